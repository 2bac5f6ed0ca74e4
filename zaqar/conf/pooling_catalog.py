"""[pooling:catalog] how queues are placed on pools."""

from oslo_config import cfg

GROUP = 'pooling:catalog'

OPTS = [
    cfg.BoolOpt('enable_virtual_pool', default=False,
                help='Place queues created without a _flavor on any '
                     'registered pool, not only on pools without a flavor.'),
]


def list_opts():
    return {GROUP: OPTS}
