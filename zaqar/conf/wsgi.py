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

"""[drivers:transport:wsgi] where the HTTP API listens."""

from oslo_config import cfg

GROUP = 'drivers:transport:wsgi'

OPTS = [
    cfg.HostAddressOpt('bind', default='127.0.0.1',
                       help='Address the HTTP API binds to.'),
    cfg.PortOpt('port', default=8888, help='Port the HTTP API binds to.'),
    cfg.IntOpt('workers', min=1,
               help='Worker processes of zaqar-server (default: one per '
                    'CPU core).'),
    cfg.IntOpt('threads', default=1, min=0,
               help='Threads per worker process that run the application '
                    'on fully read requests. One per process (with a '
                    'process per core) measured fastest; 0 runs the '
                    'application on the event loop itself, fastest of all '
                    'but a slow store call then holds every connection of '
                    'that process.'),
    cfg.FloatOpt('header_timeout', default=10.0, min=0.1,
                 help='Seconds a client has to send a request line and '
                      'headers; the connection is closed after that.'),
    cfg.FloatOpt('body_timeout', default=30.0, min=0.1,
                 help='Seconds a client has to send a request body once '
                      'its headers arrived (408 after that).'),
    cfg.FloatOpt('keepalive_timeout', default=15.0, min=0.1,
                 help='Seconds an idle keep-alive connection stays open.'),
    cfg.IntOpt('max_connections', default=4096, min=1,
               help='Open connections per worker process; one more gets a '
                    '503 JSON answer and is closed.'),
    cfg.IntOpt('max_request_line', default=8190, min=256,
               help='Bytes of a request line (method, URL, version); '
                    'longer is a 414.'),
    cfg.IntOpt('max_header_bytes', default=65536, min=1024,
               help='Bytes of all request headers together; more is a '
                    '431.'),
]


def list_opts():
    return {GROUP: OPTS}
