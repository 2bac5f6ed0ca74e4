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

"""zaqar-websocket: the v2 API over WebSocket (frames as in zaqar.schemas.websocket), with push.

Listens on [drivers:transport:websocket] bind/port (default
127.0.0.1:9000) in one asyncio process. ``zaqar-server --transport
websocket`` runs the same thing. Stop with SIGTERM or SIGINT: open
connections are closed with code 1001 (going away).
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from oslo_log import log as logging

from zaqar import bootstrap
from zaqar.cmd import common

LOG = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--bind', help='Address to listen on (default: '
                        '[drivers:transport:websocket] bind).')
    parser.add_argument('--port', type=int, help='Port to listen on '
                        '(default: [drivers:transport:websocket] port).')


def run(conf, bind: str | None = None, port: int | None = None) -> None:
    """Serve the WebSocket API with the loaded ``conf`` until stopped."""
    from zaqar.transport.websocket import server
    group = conf['drivers:transport:websocket']
    if not conf.config_file:
        LOG.warning('No configuration file found: development mode '
                    '(embedded SQLite, no authentication).')
    try:
        svc = bootstrap.service_from_conf(conf)
    except bootstrap.ConfigError as exc:
        LOG.error('%s', exc)
        sys.exit(f'zaqar: {exc}')
    asyncio.run(server.serve(svc, bind or group.bind, port or group.port))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog='zaqar-websocket', description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    args, oslo_args = parser.parse_known_args(
        sys.argv[1:] if argv is None else argv)
    conf = common.load_config(oslo_args)
    run(conf, args.bind, args.port)


if __name__ == '__main__':
    main()
