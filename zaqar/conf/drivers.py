"""[drivers] which transport and which stores the service runs on."""

from oslo_config import cfg

GROUP = 'drivers'

OPTS = [
    cfg.StrOpt('transport', default='wsgi',
               help='Transport driver: wsgi or websocket.'),
    cfg.StrOpt('message_store', default='sqlalchemy',
               deprecated_opts=[cfg.DeprecatedOpt('storage',
                                                  group='drivers')],
               help='Storage driver for queues, messages and claims: '
                    'sqlalchemy, redis or mongodb.'),
    cfg.StrOpt('management_store', default='sqlalchemy',
               help='Storage driver for pools, flavors and the catalog: '
                    'sqlalchemy, redis or mongodb.'),
]


def list_opts():
    return {GROUP: OPTS}
