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

"""Per-project token buckets: the rate limits, kept in this process."""

from __future__ import annotations

import math
import threading
import time

# Projects idle this long lose their bucket (a full bucket is the default).
_IDLE = 60.0
# Sweep idle buckets once this many are kept.
_SWEEP_AT = 10000


class ProjectRates:
    """``take(project, n, rate)`` spends n tokens of a project's bucket.

    A bucket holds up to one second's worth (``rate`` tokens) and refills
    continuously; a refusal says how long until enough tokens are back. A
    batch larger than the bucket passes when the bucket is full and leaves
    it in debt, so big posts are slowed, never refused forever.
    """

    def __init__(self):
        self._buckets: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def take(self, project: str, count: int, rate: int) -> float:
        """0.0 if granted, else the seconds to wait before it would be."""
        now = time.monotonic()
        with self._lock:
            bucket = self._buckets.get(project)
            if bucket is None:
                if len(self._buckets) >= _SWEEP_AT:
                    self._sweep(now)
                bucket = self._buckets[project] = [float(rate), now]
            tokens = min(float(rate), bucket[0] + (now - bucket[1]) * rate)
            bucket[1] = now
            need = min(count, rate)
            if tokens >= need:
                bucket[0] = tokens - count
                return 0.0
            bucket[0] = tokens
        return (need - tokens) / rate

    def _sweep(self, now: float) -> None:
        idle = [p for p, (_, stamp) in self._buckets.items()
                if now - stamp > _IDLE]
        for project in idle:
            del self._buckets[project]


def retry_after(seconds: float) -> int:
    """Whole seconds for a Retry-After header (at least 1)."""
    return max(1, math.ceil(seconds))
