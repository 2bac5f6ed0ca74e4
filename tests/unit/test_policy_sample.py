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

"""etc/policy.yaml.sample matches the rules in code (oslopolicy-sample-generator)."""

from __future__ import annotations

import unittest

from tests.unit.conf.test_samples import REGENERATE, generate_policy, read


class PolicySampleTest(unittest.TestCase):

    def test_policy_sample_is_current(self):
        self.assertEqual(generate_policy(), read('policy.yaml.sample'),
                         REGENERATE.format('policy.yaml.sample',
                                           'genpolicy'))

    def test_policy_sample_lists_every_rule(self):
        from zaqar import policies
        sample = read('policy.yaml.sample')
        for rule in policies.list_rules():
            self.assertIn(f'#"{rule.name}": ', sample)
