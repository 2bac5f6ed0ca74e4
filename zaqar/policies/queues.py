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

"""Rules for queue operations."""

from zaqar.policies import base

Q = '/v2/queues/{queue_name}'

rules = [
    base.documented('queues:get_all', base.READER_OR_ADMIN,
                    'List the queues of the project.',
                    [('GET', '/v2/queues')]),
    base.documented('queues:create', base.MEMBER_OR_STACK_USER,
                    'Create a queue.', [('PUT', Q)]),
    base.documented('queues:get', base.READER_OR_STACK_USER,
                    'Read a queue (metadata, existence).',
                    [('GET', Q), ('HEAD', Q)]),
    base.documented('queues:delete', base.MEMBER_OR_STACK_USER,
                    'Delete a queue and everything in it.', [('DELETE', Q)]),
    base.documented('queues:update', base.MEMBER_OR_ADMIN,
                    'Change queue metadata with JSON-patch.', [('PATCH', Q)]),
    base.documented('queues:stats', base.READER_OR_ADMIN,
                    'Read queue statistics.', [('GET', Q + '/stats')]),
    base.documented('queues:share', base.MEMBER_OR_STACK_USER,
                    'Create a signed URL for the queue.',
                    [('POST', Q + '/share')]),
    base.documented('queues:purge', base.MEMBER_OR_ADMIN,
                    'Remove all messages and/or subscriptions of a queue.',
                    [('POST', Q + '/purge')]),
]


def list_rules():
    return rules
