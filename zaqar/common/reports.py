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

"""Guru Meditation Reports: a process's state on SIGUSR2 (oslo.reports).

Each process of the service (the gunicorn arbiter and every worker, or a
uWSGI worker) installs its own handler after it has started, so sending
SIGUSR2 to any of them writes that process's threads, configuration
(secrets masked) and a Zaqar section to stderr, or to a file in
``[oslo_reports] log_dir`` named ``zaqar-<role>-<pid>_gurumeditation_<time>``.
``[oslo_reports] file_event_handler`` swaps the signal for a watched file
(for WSGI containers that keep signals to themselves).
"""

from __future__ import annotations

import importlib.metadata
import logging
import os
import signal
import threading

from oslo_reports import guru_meditation_report as gmr
from oslo_reports import opts as gmr_opts
from oslo_reports.models import with_default_views
from oslo_reports.views.text import generic

LOG = logging.getLogger(__name__)

_SECTION_LOCK = threading.Lock()
# What the Zaqar section describes: set by install() in each process (a
# forked worker inherits the registered section but has its own role).
_PROCESS: dict = {}


class Version:
    """The version object oslo.reports prints in its Package section."""

    def vendor_string(self) -> str:
        return 'OpenStack'

    def product_string(self) -> str:
        return 'zaqar'

    def version_string_with_package(self) -> str:
        try:
            return importlib.metadata.version('zaqar')
        except importlib.metadata.PackageNotFoundError:
            return 'unknown'


def _zaqar_section():
    """A report model naming the process and the deployment's choices."""
    conf = _PROCESS['conf']
    return with_default_views.ModelWithDefaultViews({
        'role': _PROCESS['role'],
        'pid': os.getpid(),
        'message_store': conf.drivers.message_store,
        'management_store': conf.drivers.management_store,
        'auth_strategy': conf.auth_strategy or 'none (development)',
        'admin_mode': conf.admin_mode,
        'pooling': conf.pooling,
    }, text_view=generic.KeyValueView())


def install(conf, role: str) -> bool:
    """Arm the report for this process; False when it cannot be armed.

    ``role`` names the process in the file name (``server``, ``worker``,
    ``wsgi``). Signal handlers can only be set from the main thread; a
    WSGI container that loads the app elsewhere should use
    ``[oslo_reports] file_event_handler`` instead.
    """
    gmr_opts.set_defaults(conf)
    with _SECTION_LOCK:
        if not _PROCESS:
            gmr.TextGuruMeditation.register_section('Zaqar', _zaqar_section)
        _PROCESS.update(conf=conf, role=role)
    use_signal = not conf.oslo_reports.file_event_handler
    if use_signal and threading.current_thread() is not \
            threading.main_thread():
        LOG.info('Guru Meditation Reports not armed: not the main thread '
                 '(set [oslo_reports] file_event_handler instead)')
        return False
    gmr.TextGuruMeditation.setup_autorun(
        Version(), service_name=f'zaqar-{role}-{os.getpid()}', conf=conf)
    if use_signal:
        LOG.debug('Guru Meditation Report armed on SIGUSR2 (pid %d)',
                  os.getpid())
    return True


def armed() -> bool:
    """Whether SIGUSR2 currently runs a report in this process."""
    handler = signal.getsignal(signal.SIGUSR2)
    return callable(handler) and handler not in (signal.SIG_DFL,
                                                 signal.SIG_IGN)
