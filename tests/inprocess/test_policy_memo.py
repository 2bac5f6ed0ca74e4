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

"""The policy-decision memo keys on every value a rule can read."""

from __future__ import annotations

import testtools
from oslo_policy import policy as oslo_policy

from tests.inprocess.app import InProcessApp
from zaqar.api import authorizer
from zaqar.api.context import RequestContext


class PolicyMemoTest(testtools.TestCase):

    def test_the_key_covers_every_policy_value(self):
        ctx = RequestContext(project_id='p', roles=['member'])
        read = set(authorizer.POLICY_FIELDS) | {'roles', 'service_roles'}
        self.assertEqual(set(ctx.to_policy_values()), read)

    def test_a_rule_on_a_field_outside_roles_is_not_served_stale(self):
        zaqar = InProcessApp()
        self.addCleanup(zaqar.close)
        enforcer = zaqar.service.enforcer
        enforcer.load_rules()
        enforcer.set_rules(oslo_policy.Rules.from_dict(
            {'queues:get': 'user_domain_id:trusted'}), overwrite=False)
        memo = authorizer.Authorizer(enforcer)
        trusted = RequestContext(project_id='p', roles=['reader'],
                                 user_id='u', user_domain_id='trusted')
        other = RequestContext(project_id='p', roles=['reader'],
                               user_id='u', user_domain_id='elsewhere')
        self.assertTrue(memo.allowed('queues:get', trusted))
        self.assertFalse(memo.allowed('queues:get', other))
