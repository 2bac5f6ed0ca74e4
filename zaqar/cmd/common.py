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

"""Start-up shared by the console scripts and the WSGI entry point."""

from __future__ import annotations

import os
import sys

from oslo_log import log as logging

from zaqar import bootstrap
from zaqar import conf as zconf
from zaqar.conf import modes

LOG = logging.getLogger(__name__)
_LOGGING_READY = False
# gunicorn's "worker failed to boot" status: the arbiter stops instead of
# respawning a worker that can never start.
EXIT_BOOT_ERROR = 3


# Where OpenStack WSGI services look when OS_<SERVICE>_CONFIG_DIR/FILES
# name no other place.
DEFAULT_CONFIG_DIR = '/etc/zaqar'
DEFAULT_CONFIG_FILES = 'zaqar.conf'


def _uwsgi_env(name: str) -> str | None:
    """``name`` from the ``env =`` lines of the uWSGI config, if any.

    Under pyuwsgi (uWSGI as a Python module, PyPI's binary build) the
    interpreter starts before uWSGI applies ``env =``, so ``os.environ``
    never shows those values; uWSGI's own option table does.
    """
    uwsgi = sys.modules.get('uwsgi')
    entries = getattr(uwsgi, 'opt', {}).get('env') if uwsgi else None
    if entries is None:
        return None
    if not isinstance(entries, list):
        entries = [entries]
    for entry in entries:
        if isinstance(entry, bytes):
            entry = entry.decode()
        key, _, value = entry.partition('=')
        if key == name:
            return value
    return None


def _env(name: str) -> str:
    return (os.environ.get(name) or _uwsgi_env(name) or '').strip()


def config_files_from_env() -> list[str] | None:
    """Config files a WSGI container names through the environment.

    ``OS_ZAQAR_CONFIG_DIR`` / ``OS_ZAQAR_CONFIG_FILES`` (``;``-separated,
    relative to the directory) as other OpenStack WSGI services read them,
    else ``ZAQAR_CONFIG_FILE`` (comma-separated); None lets oslo.config
    search its standard locations.
    """
    config_dir = _env('OS_ZAQAR_CONFIG_DIR')
    names = _env('OS_ZAQAR_CONFIG_FILES')
    if config_dir or names:
        directory = config_dir or DEFAULT_CONFIG_DIR
        return [os.path.join(directory, name.strip())
                for name in (names or DEFAULT_CONFIG_FILES).split(';')
                if name.strip()]
    value = _env('ZAQAR_CONFIG_FILE')
    if not value:
        return None
    return [f for f in value.split(',') if f]


def load_config(argv: list[str] | None = None,
                config_files: list[str] | None = None):
    """Parse the CLI/config files into zaqar.conf.CONF and set up logging."""
    global _LOGGING_READY
    conf = zconf.CONF
    if not _LOGGING_READY:
        logging.register_options(conf)
        _LOGGING_READY = True
    conf(argv if argv is not None else [], project='zaqar',
         default_config_files=config_files)
    modes.apply(conf)
    logging.setup(conf, 'zaqar')
    return conf


def build_wsgi_app(config_files: list[str] | None = None, argv=None,
                   role: str = 'wsgi', overrides: dict | None = None):
    """Config -> service -> WSGI app; exits with a clear message on errors.

    ``role`` names this process in Guru Meditation Reports, which are armed
    here because this runs in each serving process after it has started.
    ``overrides`` ([DEFAULT] name -> value) carry command-line flags such as
    ``--admin_mode`` into each worker.
    """
    from zaqar.common import reports
    from zaqar.transport.wsgi import stack as wsgi_app
    conf = load_config(argv, config_files)
    for name, value in (overrides or {}).items():
        conf.set_override(name, value)
    try:
        service = bootstrap.service_from_conf(conf)
    except bootstrap.ConfigError as exc:
        LOG.error('%s', exc)
        sys.stderr.write(f'zaqar: {exc}\n')
        sys.exit(EXIT_BOOT_ERROR)
    app = wsgi_app.make_app(service)
    reports.install(conf, role)
    return app
