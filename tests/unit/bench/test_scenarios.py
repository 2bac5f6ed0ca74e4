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

"""How zaqar-bench scenarios split their workers and size their bodies."""

import json

import testtools

from zaqar.bench import scenarios
from zaqar.bench.workers import DEDUP_SLOT, batch_payload


class TestPlan(testtools.TestCase):

    def test_mixed_default_split(self):
        self.assertEqual((3, 3, 2), scenarios.default_mix(8))
        self.assertEqual((1, 1, 0), scenarios.default_mix(2))
        self.assertRaises(ValueError, scenarios.default_mix, 1)

    def test_mix_parsing(self):
        self.assertEqual((4, 2, 1), scenarios.parse_mix('4:2:1'))
        self.assertRaises(ValueError, scenarios.parse_mix, '4:0:1')
        self.assertRaises(ValueError, scenarios.parse_mix, '4:2')

    def test_workers_spread_over_queues_per_role(self):
        specs = scenarios.plan(scenarios.SCENARIOS['mixed'], 6,
                               ['q0', 'q1'], mix=(2, 2, 2))
        by_role = {}
        for spec in specs:
            by_role.setdefault(spec.role, []).append(spec.queue)
        for queues in by_role.values():
            self.assertEqual(['q0', 'q1'], queues)

    def test_consumers_of_consume_stop_when_the_queue_is_empty(self):
        specs = scenarios.plan(scenarios.SCENARIOS['consume'], 3, ['q'])
        self.assertTrue(all(s.stop_when_empty for s in specs))
        self.assertEqual({'consumer'}, {s.role for s in specs})

    def test_new_field_scenarios(self):
        grouped = scenarios.SCENARIOS['consume-grouped']
        specs = scenarios.plan(grouped, 3, ['q'])
        self.assertTrue(all(s.stop_when_empty for s in specs))
        self.assertEqual(64, grouped.groups)
        specs = scenarios.plan(scenarios.SCENARIOS['post1-dedup'], 2, ['q'])
        self.assertEqual({('producer', True)},
                         {(s.role, s.dedup) for s in specs})

    def test_prefill_scales_with_duration_unless_given(self):
        consume = scenarios.SCENARIOS['consume']
        self.assertEqual(15000, consume.prefill_count(10, None))
        self.assertEqual(7, consume.prefill_count(10, 7))
        self.assertEqual(0, scenarios.SCENARIOS['post1'].prefill_count(
            10, 7))


class TestPayload(testtools.TestCase):

    def test_message_body_has_the_asked_size(self):
        doc = json.loads(batch_payload(10, 256))
        self.assertEqual(10, len(doc['messages']))
        for message in doc['messages']:
            self.assertEqual(256, len(json.dumps(message['body'])))

    def test_groups_round_robin_and_dedup_slot(self):
        doc = json.loads(batch_payload(5, 64, groups=2))
        self.assertEqual(['g0', 'g1', 'g0', 'g1', 'g0'],
                         [m['group'] for m in doc['messages']])
        self.assertNotIn('dedup_id', doc['messages'][0])
        payload = batch_payload(1, 64, dedup=True)
        self.assertIn(DEDUP_SLOT, payload)
        doc = json.loads(payload.replace(DEDUP_SLOT, b'k-1'))
        self.assertEqual('k-1', doc['messages'][0]['dedup_id'])
