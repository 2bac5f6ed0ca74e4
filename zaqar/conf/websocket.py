"""[drivers:transport:websocket] where the WebSocket API listens."""

from oslo_config import cfg

GROUP = 'drivers:transport:websocket'

OPTS = [
    cfg.HostAddressOpt('bind', default='127.0.0.1',
                       help='Address the WebSocket API binds to.'),
    cfg.PortOpt('port', default=9000,
                help='Port the WebSocket API binds to.'),
    cfg.PortOpt('external_port',
                help='Port clients reach the WebSocket API on, if a proxy '
                     'changes it.'),
    cfg.HostAddressOpt('notification_bind',
                       help='Address of the internal push listener.'),
    cfg.PortOpt('notification_port', default=0,
                help='Port of the internal push listener (0 = any).'),
]


def list_opts():
    return {GROUP: OPTS}
