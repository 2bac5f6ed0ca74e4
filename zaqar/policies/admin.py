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

"""Rules for the admin API: pools, flavors, health; and the open ping."""

from oslo_policy import policy

from zaqar.policies import base


def _admin(name, description, operations):
    return policy.DocumentedRuleDefault(
        name=name, check_str=base.ADMIN, description=description,
        operations=[{'method': m, 'path': p} for m, p in operations],
        scope_types=['project'])


rules = [
    _admin('pools:get_all', 'List pools.', [('GET', '/v2/pools')]),
    _admin('pools:create', 'Register a pool.', [('PUT', '/v2/pools/{pool}')]),
    _admin('pools:get', 'Read a pool.', [('GET', '/v2/pools/{pool}')]),
    _admin('pools:update', 'Change a pool.', [('PATCH', '/v2/pools/{pool}')]),
    _admin('pools:delete', 'Remove a pool.',
           [('DELETE', '/v2/pools/{pool}')]),
    base.documented('flavors:get_all', base.READER_OR_ADMIN,
                    'List flavors.', [('GET', '/v2/flavors')]),
    base.documented('flavors:get', base.READER_OR_ADMIN, 'Read a flavor.',
                    [('GET', '/v2/flavors/{flavor}')]),
    _admin('flavors:create', 'Create a flavor.',
           [('PUT', '/v2/flavors/{flavor}')]),
    _admin('flavors:update', 'Change a flavor.',
           [('PATCH', '/v2/flavors/{flavor}')]),
    _admin('flavors:delete', 'Delete a flavor.',
           [('DELETE', '/v2/flavors/{flavor}')]),
    _admin('health:get', 'Detailed health of the storage.',
           [('GET', '/v2/health')]),
    policy.DocumentedRuleDefault(
        name='ping:get', check_str='@',
        description='Liveness probe; open to everyone.',
        operations=[{'method': 'GET', 'path': '/v2/ping'},
                    {'method': 'HEAD', 'path': '/v2/ping'}],
        scope_types=['project']),
]


def list_rules():
    return rules
