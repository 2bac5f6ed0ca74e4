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

"""[pooling:catalog] how queues are placed on pools."""

from oslo_config import cfg

GROUP = 'pooling:catalog'

OPTS = [
    cfg.BoolOpt('enable_virtual_pool', default=False,
                help='Place queues created without a _flavor on any '
                     'registered pool, not only on pools without a flavor.'),
    cfg.FloatOpt('cache_ttl', default=5.0, min=0,
                 help='Seconds each API process trusts its cached copy of a '
                      'queue\'s placement and of the pool list. Changes made '
                      'through this process apply at once; changes made by '
                      'other processes within this many seconds. 0 turns '
                      'the cache off.'),
    cfg.StrOpt('sqlite_pool_directory',
               help='The only directory (and its subdirectories) a SQLite '
                    'pool URI may name a file in; default: the service\'s '
                    'data directory. A pool URI naming any other path is '
                    'refused before anything opens it.'),
    cfg.ListOpt('pool_host_allowlist', default=[],
                help='Host names, addresses and networks (CIDRs) a pool URI '
                     'of a networked store (Redis, MongoDB, PostgreSQL, '
                     'MySQL) may name; empty: any host.'),
    cfg.IntOpt('cache_size', default=100000, min=1,
               help='Most queue placements cached per process (the oldest '
                    'are dropped first).'),
]


def list_opts():
    return {GROUP: OPTS}
