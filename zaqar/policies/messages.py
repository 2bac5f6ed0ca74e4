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

"""Rules for message operations."""

from zaqar.policies import base

M = '/v2/queues/{queue_name}/messages'
# Topics reuse the message rules for their fan-out posts.
TM = '/v2/topics/{topic_name}/messages'

rules = [
    base.documented('messages:get_all', base.READER_OR_STACK_USER,
                    'List messages, or get several by id.',
                    [('GET', M), ('GET', TM)]),
    base.documented('messages:create', base.MEMBER_OR_STACK_USER,
                    'Post messages.', [('POST', M), ('POST', TM)]),
    base.documented('messages:get', base.READER_OR_STACK_USER,
                    'Get one message.', [('GET', M + '/{message_id}'),
                                         ('GET', TM + '/{message_id}')]),
    base.documented('messages:delete', base.MEMBER_OR_STACK_USER,
                    'Delete one message.',
                    [('DELETE', M + '/{message_id}'),
                     ('DELETE', TM + '/{message_id}')]),
    base.documented('messages:delete_all', base.MEMBER_OR_STACK_USER,
                    'Delete messages by id, or pop them.', [('DELETE', M)]),
]


def list_rules():
    return rules
