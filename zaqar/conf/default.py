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
