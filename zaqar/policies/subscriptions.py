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

"""Rules for subscription operations (note the singular prefix)."""

from zaqar.policies import base

S = '/v2/queues/{queue_name}/subscriptions'
# Topics' subscriptions go by the same rules.
TS = '/v2/topics/{topic_name}/subscriptions'


def _both(method: str, suffix: str = '') -> list[tuple[str, str]]:
    return [(method, S + suffix), (method, TS + suffix)]


rules = [
    base.documented('subscription:get_all', base.READER_OR_ADMIN,
                    'List subscriptions.', _both('GET')),
    base.documented('subscription:create', base.MEMBER_OR_ADMIN,
                    'Subscribe to a queue or topic.', _both('POST')),
    base.documented('subscription:get', base.READER_OR_ADMIN,
                    'Read a subscription.',
                    _both('GET', '/{subscription_id}')),
    base.documented('subscription:update', base.MEMBER_OR_ADMIN,
                    'Change a subscription.',
                    _both('PATCH', '/{subscription_id}')),
    base.documented('subscription:delete', base.MEMBER_OR_ADMIN,
                    'Delete a subscription.',
                    _both('DELETE', '/{subscription_id}')),
    base.documented('subscription:confirm', base.MEMBER_OR_ADMIN,
                    'Confirm or unconfirm a subscription.',
                    _both('PUT', '/{subscription_id}/confirm')),
]


def list_rules():
    return rules
