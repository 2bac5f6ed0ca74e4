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

"""Rules for claim operations."""

from zaqar.policies import base

C = '/v2/queues/{queue_name}/claims'

rules = [
    base.documented('claims:create', base.MEMBER_OR_STACK_USER,
                    'Claim messages.', [('POST', C)]),
    base.documented('claims:get', base.READER_OR_STACK_USER,
                    'Read a claim.', [('GET', C + '/{claim_id}')]),
    base.documented('claims:update', base.MEMBER_OR_STACK_USER,
                    'Renew a claim.', [('PATCH', C + '/{claim_id}')]),
    base.documented('claims:delete', base.MEMBER_OR_STACK_USER,
                    'Release a claim.', [('DELETE', C + '/{claim_id}')]),
]


def list_rules():
    return rules
