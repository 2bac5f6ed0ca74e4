# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""Import oslo.messaging without eventlet in the API processes.

oslo.messaging's import reaches oslo.service, whose default backend is
eventlet, and oslo.utils, which imports eventlet whenever it is installed;
both load a deprecated library (and print its warning) into processes that
only send notifications from plain threads. Here the threading backend is
chosen first and eventlet is hidden while oslo.messaging is imported, so it
records "no eventlet" and runs its executors on threads.
"""

from __future__ import annotations

import contextlib
import sys
import types

# Modules that must not load while oslo.messaging is imported.
_HIDDEN = ('eventlet',)


@contextlib.contextmanager
def _hidden(names: tuple[str, ...]):
    """Make ``import NAME`` fail for ``names`` that are not loaded yet."""
    blocked = [name for name in names if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # an ImportError for importers
    try:
        yield
    finally:
        for name in blocked:
            if sys.modules.get(name, ...) is None:
                del sys.modules[name]


def _threading_backend() -> None:
    """Select oslo.service's threading backend unless one was chosen."""
    try:
        from oslo_service import backend
    except ImportError:  # an oslo.messaging without oslo.service
        return
    if backend.get_backend_type() is None:
        backend.init_backend(backend.BackendType.THREADING)


def oslo_messaging() -> types.ModuleType:
    """The oslo_messaging package, imported eventlet-free the first time."""
    if 'oslo_messaging' in sys.modules:
        return sys.modules['oslo_messaging']
    with _hidden(_HIDDEN):
        _threading_backend()
        import oslo_messaging as module
    return module
