"""[drivers] which transport and which stores the service runs on."""

from oslo_config import cfg

GROUP = 'drivers'

OPTS = [
    cfg.StrOpt('transport', default='wsgi',
               help='Transport driver: wsgi or websocket.'),
    # Defaults are the reference's; with no config file at all
    # zaqar.conf.modes makes both stores the embedded SQLite file.
    cfg.StrOpt('message_store', default='mongodb',
               deprecated_opts=[cfg.DeprecatedOpt('storage',
                                                  group='drivers')],
               help='Storage driver for queues, messages and claims: '
                    'sqlalchemy, redis or mongodb. With no configuration '
                    'file at all: sqlalchemy (an embedded SQLite file).'),
    cfg.StrOpt('management_store', default='mongodb',
               help='Storage driver for pools, flavors and the catalog: '
                    'sqlalchemy, redis or mongodb. With no configuration '
                    'file at all: sqlalchemy (an embedded SQLite file).'),
]


def list_opts():
    return {GROUP: OPTS}
