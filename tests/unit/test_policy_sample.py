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
