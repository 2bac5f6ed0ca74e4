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

"""The table and headline zaqar-bench prints."""

import testtools

from zaqar.bench import report
from zaqar.bench.client import Target


def _result(cpu_bound=False, verdict=None):
    summary = {'workers': 8, 'msgs_per_s': 1234.5, 'requests_per_s': 123.4,
               'p50_ms': 5.0, 'p95_ms': 9.0, 'p99_ms': 12.5, 'errors': 0}
    return {
        'scenario': 'consume', 'headline': 'consumer', 'window_s': 10.0,
        'roles': {'consumer': summary}, 'ran_dry': False,
        'prefill': {'errors': 0}, 'cleanup_errors': 0,
        'drain': {'messages': 3},
        'left_in_queue': 0,
        'generator': {'processes': 1, 'cpu_pct_of_core_max': 91.0,
                      'cpu_bound': cpu_bound},
        'machine': {'busy_pct': 80.0, 'cpus': 2},
        'exactly_once': verdict,
    }


class TestTable(testtools.TestCase):

    def test_row_per_role_with_numbers(self):
        text = report.table([_result()])
        row = next(line for line in text.splitlines()
                   if line.startswith('consume'))
        self.assertEqual(['consume', 'consumer', '8', '1234.5', '123.4',
                          '5.0', '9.0', '12.5', '0'], row.split())

    def test_cpu_bound_generator_is_flagged(self):
        self.assertIn('WARNING', report.table([_result(cpu_bound=True)]))
        self.assertNotIn('WARNING', report.table([_result()]))

    def test_exactly_once_failure_is_shown(self):
        verdict = {'exactly_once': False, 'posted': 10, 'consumed': 9,
                   'duplicates': 0, 'missing': 1, 'unexpected': 0}
        text = report.table([_result(verdict=verdict)])
        self.assertIn('exactly-once FAILED', text)
        self.assertIn('missing 1', text)

    def test_headline_is_the_scenario_role(self):
        self.assertEqual(1234.5, report.headline(_result())['msgs_per_s'])


class TestTarget(testtools.TestCase):

    def test_url_parts_and_prefix(self):
        target = Target('http://127.0.0.1:8888/messaging/', 'p')
        self.assertEqual(('127.0.0.1', 8888, '/messaging'),
                         (target.host, target.port, target.prefix))

    def test_other_schemes_are_refused(self):
        self.assertRaises(ValueError, Target, 'ftp://host/', 'p')
