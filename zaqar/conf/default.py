"""[DEFAULT] options that switch whole features on or off."""

from oslo_config import cfg

GROUP = None

OPTS = [
    cfg.BoolOpt('admin_mode', default=False,
                help='Serve the admin API: /v2/health, pools and flavors.'),
    cfg.BoolOpt('pooling', default=False,
                deprecated_opts=[cfg.DeprecatedOpt('sharding')],
                help='Shard queues across the registered pools.'),
    cfg.BoolOpt('unreliable', default=False,
                help='Accepted for compatibility; every driver here is '
                     'allowed without it.'),
    cfg.ListOpt('enable_deprecated_api_versions', default=[],
                help='Accepted for compatibility; only v2 is served.'),
    cfg.BoolOpt('enable_checksum', default=False,
                help='Store an MD5 checksum of each message body and return '
                     'it on reads.'),
    cfg.StrOpt('auth_strategy', default='',
               help='"keystone" to validate tokens with keystonemiddleware; '
                    'empty runs the development mode where the project '
                    'comes from the X-Project-ID header.'),
]


def register_opts(conf):
    conf.register_opts(OPTS, group=GROUP)


def list_opts():
    return {GROUP: OPTS}
