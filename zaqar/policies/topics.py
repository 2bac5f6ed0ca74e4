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

"""Rules for topic operations (queues with fan-out to subscriptions)."""

from zaqar.policies import base

T = '/v2/topics/{topic_name}'

rules = [
    base.documented('topics:get_all', base.READER_OR_ADMIN,
                    'List the topics of the project.',
                    [('GET', '/v2/topics')]),
    base.documented('topics:create', base.MEMBER_OR_ADMIN,
                    'Create a topic.', [('PUT', T)]),
    base.documented('topics:get', base.READER_OR_ADMIN,
                    'Read a topic.', [('GET', T)]),
    base.documented('topics:delete', base.MEMBER_OR_ADMIN,
                    'Delete a topic.', [('DELETE', T)]),
    base.documented('topics:update', base.MEMBER_OR_ADMIN,
                    'Change topic metadata with JSON-patch.',
                    [('PATCH', T)]),
    base.documented('topics:stats', base.READER_OR_ADMIN,
                    'Read topic statistics.', [('GET', T + '/stats')]),
    base.documented('topics:purge', base.MEMBER_OR_ADMIN,
                    'Remove all messages and/or subscriptions of a topic.',
                    [('POST', T + '/purge')]),
]


def list_rules():
    return rules
