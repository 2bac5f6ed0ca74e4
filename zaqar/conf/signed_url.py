"""[signed_url] the key that signs pre-shared URLs."""

from oslo_config import cfg

GROUP = 'signed_url'

OPTS = [
    cfg.StrOpt('secret_key', secret=True,
               help='HMAC key for signed URLs. Unset or empty turns signed '
                    'URLs off (POST .../share answers 503), unless the '
                    'server runs with no configuration file at all: then a '
                    'random key is generated once in the data directory.'),
    cfg.BoolOpt('enabled',
                help='Unset: signed URLs are on exactly when secret_key is '
                     'set. true: they must be on, and the server refuses to '
                     'start without a secret_key. false: they are off even '
                     'with a key.'),
]


def list_opts():
    return {GROUP: OPTS}
