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

"""The per-connection token bucket."""

from __future__ import annotations

import time
import unittest

from zaqar.transport.websocket import limits


class RateLimiterTest(unittest.TestCase):

    def test_burst_then_refusals_then_refill(self):
        limiter = limits.RateLimiter(rate=50, burst=3)
        self.assertEqual([True] * 3 + [False],
                         [limiter.allow() for _ in range(4)])
        time.sleep(0.05)
        self.assertTrue(limiter.allow())

    def test_exhausted_after_a_whole_burst_of_refusals(self):
        limiter = limits.RateLimiter(rate=0.001, burst=2)
        results = [limiter.allow() for _ in range(4)]
        self.assertEqual([True, True, False, False], results)
        self.assertFalse(limiter.exhausted)
        limiter.allow()
        self.assertTrue(limiter.exhausted)

    def test_an_allowed_request_resets_the_refusal_count(self):
        limiter = limits.RateLimiter(rate=40, burst=1)
        limiter.allow()
        limiter.allow()
        self.assertEqual(1, limiter.refused)
        time.sleep(0.05)
        self.assertTrue(limiter.allow())
        self.assertEqual(0, limiter.refused)

    def test_zero_rate_means_unlimited(self):
        limiter = limits.RateLimiter(rate=0, burst=1)
        self.assertTrue(all(limiter.allow() for _ in range(1000)))
