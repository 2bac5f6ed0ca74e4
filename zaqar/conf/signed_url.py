"""[signed_url] the key that signs pre-shared URLs."""

from oslo_config import cfg

GROUP = 'signed_url'

OPTS = [
    cfg.StrOpt('secret_key', secret=True,
               help='HMAC key for signed URLs. Unset or empty turns signed '
                    'URLs off.'),
]


def list_opts():
    return {GROUP: OPTS}
