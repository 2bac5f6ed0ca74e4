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

"""[quotas] per-project limits: where they come from and their fallbacks."""

from oslo_config import cfg

GROUP = 'quotas'

# -1 in any limit below means "no limit" (and costs nothing to check).
OPTS = [
    cfg.StrOpt('source', default='config', choices=('config', 'keystone'),
               help='Where limits are read: "config" uses the values below; '
                    '"keystone" reads Keystone unified limits (registered '
                    'limits and project overrides) through oslo.limit, as '
                    'set up in [oslo_limit], and uses the values below for '
                    'any resource Keystone has no limit for.'),
    cfg.FloatOpt('keystone_cache_ttl', default=60.0, min=0,
                 help='Seconds each API process keeps a project\'s limits '
                      'read from Keystone before asking again.'),
    cfg.IntOpt('max_queues_per_project', default=-1, min=-1,
               help='Queues one project may create (Keystone resource '
                    '"queues").'),
    cfg.IntOpt('max_messages_per_queue', default=-1, min=-1,
               help='Live messages one queue may hold; a post that would '
                    'go past it is refused whole (Keystone resource '
                    '"messages_per_queue").'),
    cfg.IntOpt('max_subscriptions_per_queue', default=-1, min=-1,
               help='Subscriptions one queue may have (Keystone resource '
                    '"subscriptions_per_queue").'),
    cfg.IntOpt('max_message_posts_per_second', default=-1, min=-1,
               help='Messages one project may post per second, in each API '
                    'process, bursts of up to one second\'s worth allowed '
                    '(Keystone resource "message_posts_per_second").'),
    cfg.IntOpt('max_requests_per_second', default=-1, min=-1,
               help='API requests one project may make per second, in each '
                    'API process, bursts of up to one second\'s worth '
                    'allowed (Keystone resource "requests_per_second").'),
]


def list_opts():
    return {GROUP: OPTS}
