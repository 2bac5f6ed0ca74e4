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

"""Retry policies: the API's validation wording and the schedule."""

from __future__ import annotations

import unittest

from zaqar.notification import retry


class ValidateTest(unittest.TestCase):

    def assertInvalid(self, policy, message):
        with self.assertRaises(ValueError) as caught:
            retry.validate(policy)
        self.assertEqual(message, str(caught.exception))

    def test_empty_or_absent_is_fine(self):
        for policy in (None, {}, {'retries_with_no_delay': 0}):
            retry.validate(policy)

    def test_integer_keys(self):
        for key in retry.INT_KEYS:
            self.assertInvalid({key: 'x'},
                               f'Retry policy: {key} must be a integer.')
            self.assertInvalid({key: 1.5},
                               f'Retry policy: {key} must be a integer.')
        self.assertInvalid({'maximum_delay_retries': -1},
                           'Retry policy: maximum_delay_retries must not be '
                           'negative.')

    def test_backoff_function_and_override_flag(self):
        self.assertInvalid({'retry_backoff_function': 3},
                           'retry_backoff_function must be a string.')
        self.assertInvalid({'retry_backoff_function': 'cubic'},
                           'invalid retry_backoff_function.')
        for name in ('linear', 'arithmetic', 'exponential', 'geometric'):
            retry.validate({'retry_backoff_function': name})
        self.assertInvalid({'ignore_subscription_override': 1},
                           'ignore_subscription_override must be a boolean.')

    def test_delay_bounds(self):
        self.assertInvalid({'minimum_delay': 31},
                           'minimum_delay must less than maximum_delay.')
        self.assertInvalid({'minimum_delay': 21},
                           'invalid minimum_delay and maximum_delay.')
        retry.validate({'minimum_delay': 20})
        retry.validate({'minimum_delay': 0, 'maximum_delay': 10})

    def test_not_a_dict(self):
        self.assertInvalid([1], 'retry_policy must be a dict.')


class EffectiveTest(unittest.TestCase):

    def test_defaults(self):
        self.assertEqual(retry.DEFAULTS, retry.effective(None, None))

    def test_subscription_wins_unless_overridden(self):
        sub = {'retries_with_no_delay': 1}
        queue = {'retries_with_no_delay': 7}
        self.assertEqual(1, retry.effective(sub, queue)[
            'retries_with_no_delay'])
        self.assertEqual(7, retry.effective(None, queue)[
            'retries_with_no_delay'])
        queue['ignore_subscription_override'] = True
        self.assertEqual(7, retry.effective(sub, queue)[
            'retries_with_no_delay'])

    def test_malformed_stored_policies_count_as_absent(self):
        self.assertEqual(retry.DEFAULTS, retry.effective('x', [1]))


class ScheduleTest(unittest.TestCase):

    def delays(self, policy=None):
        schedule = retry.Schedule(retry.effective(policy, None))
        return [schedule.delay(n) for n in range(1, schedule.attempts + 1)]

    def test_default_schedule(self):
        self.assertEqual([0, 0, 0, 5, 5, 5, 10, 15, 20, 25, 30, 30, 30,
                          None], self.delays())
        self.assertEqual(14, retry.Schedule(retry.DEFAULTS).attempts)

    def test_backoff_functions(self):
        base = {'retries_with_no_delay': 0, 'minimum_delay_retries': 0,
                'maximum_delay_retries': 0, 'minimum_delay': 5,
                'maximum_delay': 40}
        cases = {'linear': [10, 15, 20, 25, 30, 35],
                 'arithmetic': [10, 20, 35],
                 'geometric': [10, 20],
                 'exponential': [5 * 2.718281828459045,
                                 5 * 2.718281828459045 ** 2]}
        for name, steps in cases.items():
            got = self.delays(dict(base, retry_backoff_function=name))
            self.assertEqual(None, got[-1])
            for want, have in zip(steps, got[:-1]):
                self.assertAlmostEqual(want, have, places=6, msg=name)
            self.assertEqual(len(steps), len(got) - 1, name)

    def test_zero_minimum_geometric_is_capped(self):
        got = self.delays({'retries_with_no_delay': 0,
                           'minimum_delay_retries': 0,
                           'maximum_delay_retries': 0, 'minimum_delay': 0,
                           'maximum_delay': 10,
                           'retry_backoff_function': 'geometric'})
        self.assertEqual([0.0] * retry.MAX_BACKOFF_STEPS + [None], got)

    def test_no_retries_at_all(self):
        self.assertEqual([None], self.delays({
            'retries_with_no_delay': 0, 'minimum_delay_retries': 0,
            'maximum_delay_retries': 0, 'minimum_delay': 30,
            'maximum_delay': 40, 'retry_backoff_function': 'geometric'}))
