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

"""Install a throw-away module with entry points for one test.

The module and a ``*.dist-info`` directory naming its entry points go into
a temporary directory put first on ``sys.path``, which is how installed
packages are found: the code under test discovers it for real.
"""

from __future__ import annotations

import importlib
import os
import shutil
import sys
import tempfile
import uuid

from stevedore import extension


def _forget_entry_points() -> None:
    importlib.invalidate_caches()
    extension.ExtensionManager.ENTRY_POINT_CACHE.clear()


def install(testcase, source: str, entry_points: dict[str, str]) -> object:
    """Import ``source`` as a new module; ``entry_points`` maps a group to
    ``name = {module}:attribute`` lines. Undone at the test's cleanup."""
    return _install(testcase, {None: source}, entry_points)


def install_package(testcase, modules: dict[str, str],
                    entry_points: dict[str, str]) -> object:
    """Like install, for a package of ``modules`` (name -> source);
    ``{module}`` in the entry points is the package's name."""
    return _install(testcase, modules, entry_points)


def _install(testcase, modules: dict, entry_points: dict[str, str]) -> object:
    directory = tempfile.mkdtemp(prefix='zaqar-plugin-')
    testcase.addCleanup(shutil.rmtree, directory, ignore_errors=True)
    module = 'zaqar_test_plugin_' + uuid.uuid4().hex[:8]
    if None in modules:
        with open(os.path.join(directory, module + '.py'), 'w') as f:
            f.write(modules[None])
    else:
        os.mkdir(os.path.join(directory, module))
        for name, source in {'__init__': '', **modules}.items():
            with open(os.path.join(directory, module, name + '.py'),
                      'w') as f:
                f.write(source)
            testcase.addCleanup(sys.modules.pop, f'{module}.{name}', None)
    info = os.path.join(directory, f'{module}-1.0.dist-info')
    os.mkdir(info)
    with open(os.path.join(info, 'METADATA'), 'w') as f:
        f.write(f'Metadata-Version: 2.1\nName: {module}\nVersion: 1.0\n')
    with open(os.path.join(info, 'entry_points.txt'), 'w') as f:
        for group, lines in entry_points.items():
            f.write(f'[{group}]\n{lines.format(module=module)}\n\n')
    # Finders and stevedore keep what they saw of sys.path: look again now
    # and once the directory is gone (cleanups run last-in first-out).
    testcase.addCleanup(_forget_entry_points)
    sys.path.insert(0, directory)
    testcase.addCleanup(sys.path.remove, directory)
    _forget_entry_points()
    testcase.addCleanup(sys.modules.pop, module, None)
    return __import__(module)
