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

"""Per-connection request rate limiting (a token bucket)."""

from __future__ import annotations

import time


class RateLimiter:
    """``rate`` requests per second on average, ``burst`` at once.

    ``allow()`` spends a token when there is one. Consecutive refusals are
    counted so the connection can be closed once a client keeps sending
    well past its limit (``exhausted``).
    """

    __slots__ = ('burst', 'rate', 'refused', 'stamp', 'tokens')

    def __init__(self, rate: float, burst: int):
        self.rate = rate
        self.burst = burst
        self.tokens = float(burst)
        self.stamp = time.monotonic()
        self.refused = 0

    def allow(self) -> bool:
        if self.rate <= 0:
            return True
        now = time.monotonic()
        self.tokens = min(self.burst,
                          self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            self.refused = 0
            return True
        self.refused += 1
        return False

    @property
    def exhausted(self) -> bool:
        """Whether the client went on sending for a whole burst refused."""
        return self.refused > self.burst
