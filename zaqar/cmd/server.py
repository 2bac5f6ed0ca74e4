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

"""zaqar-server: the HTTP API on gunicorn + uvicorn (graceful stop on SIGTERM).

With no config file it runs in development mode: 127.0.0.1:8888, the
embedded SQLite store in the user data directory, authentication off.
Serving model and its measurements: :mod:`zaqar.serving`.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys

from gunicorn.app import base as gunicorn_base
from oslo_log import log as logging

from zaqar.cmd import common, reference_flags

LOG = logging.getLogger(__name__)


class _Server(gunicorn_base.BaseApplication):
    def __init__(self, options: dict, oslo_args: list[str],
                 overrides: dict | None = None):
        self._options = options
        self._oslo_args = oslo_args
        self._overrides = overrides
        super().__init__()

    def load_config(self):
        for key, value in self._options.items():
            # Settings newer than the installed gunicorn are left out.
            if key in self.cfg.settings:
                self.cfg.set(key, value)

    def load(self):
        # Each worker builds its own storage connections after the fork.
        from zaqar import conf as zconf
        from zaqar.serving import bridge, limits
        app = common.build_wsgi_app(argv=self._oslo_args, role='worker',
                                    overrides=self._overrides)
        return bridge.WSGIBridge(app, limits.from_conf(zconf.CONF))


def _raise_open_files_limit() -> None:
    """Each client connection holds a descriptor: allow the hard limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def _arm_reports(arbiter) -> None:
    from zaqar import conf as zconf
    from zaqar.common import reports
    reports.install(zconf.CONF, 'server')


def _parse(argv: list[str]):
    parser = argparse.ArgumentParser(
        prog='zaqar-server', description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--bind', help='Address to listen on '
                        '(default: [drivers:transport:wsgi] bind).')
    parser.add_argument('--port', type=int, help='Port to listen on '
                        '(default: [drivers:transport:wsgi] port).')
    parser.add_argument('--workers', type=int,
                        help='Worker processes (default: '
                             '[drivers:transport:wsgi] workers).')
    parser.add_argument('--transport', choices=('wsgi', 'websocket'),
                        help='API to serve (default: [drivers] transport); '
                             'websocket runs zaqar-websocket, which reads '
                             '--bind/--port as its own.')
    reference_flags.add_to(parser)
    return parser.parse_known_args(argv)


def main(argv: list[str] | None = None) -> None:
    args, oslo_args = _parse(sys.argv[1:] if argv is None else argv)
    conf = common.load_config(oslo_args)
    transport = args.transport or conf.drivers.transport
    if transport == 'websocket':
        from zaqar.cmd import websocket
        websocket.run(conf, args.bind, args.port)
        return
    if transport != 'wsgi':
        sys.exit(f'zaqar-server: [drivers] transport = {transport!r} is '
                 f'not one of wsgi, websocket.')
    if not conf.config_file:
        LOG.warning('No configuration file found: development mode '
                    '(embedded SQLite, no authentication).')
    wsgi = conf['drivers:transport:wsgi']
    bind = args.bind or wsgi.bind
    port = args.port or wsgi.port
    _raise_open_files_limit()
    options = {
        'bind': f'[{bind}]:{port}' if ':' in bind else f'{bind}:{port}',
        'workers': args.workers or wsgi.workers or os.cpu_count() or 1,
        'worker_class': 'zaqar.serving.worker.UvicornWorker',
        'graceful_timeout': 30,
        'backlog': 2048,
        'accesslog': None,
        # gunicorn 27's control socket has one default path per user:
        # several servers on a host would take it from each other.
        'control_socket_disable': True,
        'proc_name': 'zaqar-server',
        # gunicorn's own SIGUSR2 (re-exec for binary upgrades) gives way to
        # the Guru Meditation Report, armed once its signals are set up.
        'when_ready': _arm_reports,
        **reference_flags.gunicorn_options(args),
    }
    LOG.info('Serving the v2 API on http://%s', options['bind'])
    reference_flags.detach_if_asked(args)
    if conf.metrics.enabled:
        # After detaching: the directory belongs to the serving arbiter.
        from zaqar.metrics import multiproc
        LOG.info('Metrics of all workers shared in %s',
                 multiproc.prepare(conf))
        options['child_exit'] = multiproc.worker_exited
    _Server(options, oslo_args, reference_flags.overrides(args)).run()


if __name__ == '__main__':
    main()
