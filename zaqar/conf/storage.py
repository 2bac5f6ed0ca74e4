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

"""[storage] extra pipeline stages (accepted for compatibility)."""

from oslo_config import cfg

GROUP = 'storage'

OPTS = [
    cfg.ListOpt('queue_pipeline', default=[],
                help='Extra stages around the queue controller.'),
    cfg.ListOpt('message_pipeline', default=[],
                help='Extra stages around the message controller.'),
    cfg.ListOpt('claim_pipeline', default=[],
                help='Extra stages around the claim controller.'),
    cfg.ListOpt('subscription_pipeline', default=[],
                help='Extra stages around the subscription controller.'),
    cfg.ListOpt('topic_pipeline', default=[],
                help='Extra stages around the topic controller.'),
    cfg.IntOpt('gc_interval', default=60, min=0,
               help='Seconds between background sweeps of expired '
                    'messages, claims and subscriptions in each API worker '
                    '(0 turns the sweep off; run zaqar-gc instead).'),
]


def list_opts():
    return {GROUP: OPTS}
