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

"""Latency samples, request counts and their summary (percentiles, rates)."""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence


def percentile(ordered: Sequence[float], p: float) -> float:
    """The ``p``-th percentile of already sorted values.

    Linear interpolation between the two closest ranks (the method
    numpy calls "linear"), so the 50th percentile of an even-sized list
    is the mean of its two middle values.

    :param ordered: values sorted ascending.
    :param p: percentile in 0..100.
    :returns: the percentile, or NaN for an empty sequence.
    :raises ValueError: if ``p`` is outside 0..100.
    """
    if not 0 <= p <= 100:
        raise ValueError(f'percentile must be within 0..100, not {p}')
    if not ordered:
        return math.nan
    rank = (len(ordered) - 1) * p / 100.0
    low = math.floor(rank)
    high = math.ceil(rank)
    if low == high:
        return float(ordered[low])
    fraction = rank - low
    return ordered[low] + (ordered[high] - ordered[low]) * fraction


class OpStats:
    """What one kind of request (post, claim, delete, list) measured.

    Latencies are kept in full (an ``array`` of seconds): a ten-second run
    makes tens of thousands of requests, which is little memory, and exact
    percentiles beat an approximate histogram for comparing two servers.
    """

    def __init__(self) -> None:
        self.latencies = array('d')
        self.requests = 0
        self.messages = 0
        self.errors: Counter[str] = Counter()

    def record(self, seconds: float, messages: int = 0,
               error: str | None = None) -> None:
        """Count one finished request.

        :param seconds: its latency.
        :param messages: messages it posted, consumed or listed.
        :param error: a short error kind (``'503'``, ``'ConnectionError'``)
            for a failed request, else None.
        """
        self.requests += 1
        self.latencies.append(seconds)
        if error is None:
            self.messages += messages
        else:
            self.errors[error] += 1

    def merge(self, other: OpStats) -> None:
        """Add another worker's counts and samples to these."""
        self.latencies.extend(other.latencies)
        self.requests += other.requests
        self.messages += other.messages
        self.errors.update(other.errors)



def merged(parts: Iterable[OpStats]) -> OpStats:
    """One OpStats holding the sum of ``parts``."""
    total = OpStats()
    for part in parts:
        total.merge(part)
    return total


def summarize(stats: OpStats, seconds: float) -> dict:
    """Rates and latency percentiles of ``stats`` over ``seconds``.

    :returns: a JSON-ready dict: ``msgs_per_s``, ``requests_per_s``,
        ``p50_ms``/``p95_ms``/``p99_ms``/``max_ms`` (None without
        samples), ``requests``, ``messages``, ``errors`` (total) and
        ``error_kinds``.
    """
    ordered = sorted(stats.latencies)
    seconds = max(seconds, 1e-9)

    def ms(p: float) -> float | None:
        if not ordered:
            return None
        return round(percentile(ordered, p) * 1000.0, 3)

    return {
        'msgs_per_s': round(stats.messages / seconds, 1),
        'requests_per_s': round(stats.requests / seconds, 1),
        'p50_ms': ms(50),
        'p95_ms': ms(95),
        'p99_ms': ms(99),
        'max_ms': round(ordered[-1] * 1000.0, 3) if ordered else None,
        'requests': stats.requests,
        'messages': stats.messages,
        'errors': sum(stats.errors.values()),
        'error_kinds': dict(sorted(stats.errors.items())),
    }
