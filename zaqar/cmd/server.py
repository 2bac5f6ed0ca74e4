"""zaqar-server: the HTTP API on gunicorn (graceful stop on SIGTERM).

With no config file it runs in development mode: 127.0.0.1:8888, the
embedded SQLite store in the user data directory, authentication off.
"""

from __future__ import annotations

import argparse
import sys

from gunicorn.app import base as gunicorn_base
from oslo_log import log as logging

from zaqar.cmd import common, reference_flags

LOG = logging.getLogger(__name__)

# Threads per worker: requests mostly wait on storage I/O.
_THREADS = 8


class _Server(gunicorn_base.BaseApplication):
    def __init__(self, options: dict, oslo_args: list[str],
                 overrides: dict | None = None):
        self._options = options
        self._oslo_args = oslo_args
        self._overrides = overrides
        super().__init__()

    def load_config(self):
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self):
        # Each worker builds its own storage connections after the fork.
        return common.build_wsgi_app(argv=self._oslo_args, role='worker',
                                     overrides=self._overrides)


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
    options = {
        'bind': f'[{bind}]:{port}' if ':' in bind else f'{bind}:{port}',
        'workers': args.workers or wsgi.workers,
        'worker_class': 'gthread',
        'threads': _THREADS,
        'graceful_timeout': 30,
        'keepalive': 30,
        'accesslog': None,
        'proc_name': 'zaqar-server',
        # gunicorn's own SIGUSR2 (re-exec for binary upgrades) gives way to
        # the Guru Meditation Report, armed once its signals are set up.
        'when_ready': _arm_reports,
        **reference_flags.gunicorn_options(args),
    }
    LOG.info('Serving the v2 API on http://%s', options['bind'])
    reference_flags.detach_if_asked(args)
    _Server(options, oslo_args, reference_flags.overrides(args)).run()


if __name__ == '__main__':
    main()
