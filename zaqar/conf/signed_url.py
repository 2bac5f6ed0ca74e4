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
