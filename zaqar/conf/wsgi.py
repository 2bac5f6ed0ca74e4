"""[drivers:transport:wsgi] where the HTTP API listens."""

from oslo_config import cfg

GROUP = 'drivers:transport:wsgi'

OPTS = [
    cfg.HostAddressOpt('bind', default='127.0.0.1',
                       help='Address the HTTP API binds to.'),
    cfg.PortOpt('port', default=8888, help='Port the HTTP API binds to.'),
    cfg.IntOpt('workers', default=1, min=1,
               help='Worker processes of zaqar-server.'),
]


def list_opts():
    return {GROUP: OPTS}
