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

"""Rules for dead-letter redrive tasks."""

from zaqar.policies import base

R = '/v2/queues/{queue_name}/redrive'

rules = [
    base.documented('redrive:create', base.MEMBER_OR_ADMIN,
                    'Start moving a dead-letter queue\'s messages to '
                    'another queue.', [('POST', R)]),
    base.documented('redrive:get', base.READER_OR_ADMIN,
                    'Read the progress of a redrive task.',
                    [('GET', R + '/{redrive_id}')]),
    base.documented('redrive:delete', base.MEMBER_OR_ADMIN,
                    'Cancel a redrive task.',
                    [('DELETE', R + '/{redrive_id}')]),
]


def list_rules():
    return rules
