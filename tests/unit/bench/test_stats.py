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

"""Percentiles and rate summaries of zaqar-bench."""

import math

import testtools

from zaqar.bench.stats import OpStats, merged, percentile, summarize


class TestPercentile(testtools.TestCase):

    def test_single_value_is_every_percentile(self):
        for p in (0, 50, 99, 100):
            self.assertEqual(7.0, percentile([7.0], p))

    def test_extremes_are_min_and_max(self):
        values = [1.0, 2.0, 3.0, 10.0]
        self.assertEqual(1.0, percentile(values, 0))
        self.assertEqual(10.0, percentile(values, 100))

    def test_median_of_even_count_interpolates(self):
        self.assertEqual(2.5, percentile([1.0, 2.0, 3.0, 4.0], 50))

    def test_matches_linear_method_on_one_to_hundred(self):
        values = [float(v) for v in range(1, 101)]
        self.assertAlmostEqual(50.5, percentile(values, 50))
        self.assertAlmostEqual(95.05, percentile(values, 95))
        self.assertAlmostEqual(99.01, percentile(values, 99))

    def test_empty_is_nan(self):
        self.assertTrue(math.isnan(percentile([], 50)))

    def test_out_of_range_is_refused(self):
        self.assertRaises(ValueError, percentile, [1.0], 101)
        self.assertRaises(ValueError, percentile, [1.0], -1)


class TestSummarize(testtools.TestCase):

    def test_rates_percentiles_and_errors(self):
        stats = OpStats()
        for ms in range(1, 101):
            stats.record(ms / 1000.0, messages=10)
        stats.record(0.5, messages=10, error='503')
        summary = summarize(stats, seconds=2.0)
        self.assertEqual(101, summary['requests'])
        # The failed request's messages do not count.
        self.assertEqual(1000, summary['messages'])
        self.assertEqual(500.0, summary['msgs_per_s'])
        self.assertEqual(50.5, summary['requests_per_s'])
        self.assertEqual(51.0, summary['p50_ms'])
        self.assertEqual(500.0, summary['max_ms'])
        self.assertEqual(1, summary['errors'])
        self.assertEqual({'503': 1}, summary['error_kinds'])

    def test_no_samples_gives_no_latency(self):
        summary = summarize(OpStats(), seconds=1.0)
        self.assertIsNone(summary['p99_ms'])
        self.assertEqual(0.0, summary['msgs_per_s'])

    def test_merge_adds_counts_and_samples(self):
        one, two = OpStats(), OpStats()
        one.record(0.001, messages=1)
        two.record(0.003, messages=2, error='ConnectionRefusedError')
        two.record(0.002, messages=2)
        total = merged([one, two])
        self.assertEqual(3, total.requests)
        self.assertEqual(3, total.messages)
        self.assertEqual([0.001, 0.003, 0.002], list(total.latencies))
        self.assertEqual({'ConnectionRefusedError': 1}, dict(total.errors))
