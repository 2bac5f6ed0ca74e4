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

"""What the machine and the load generator itself were doing during a run."""

from __future__ import annotations

import os
import resource


def process_cpu_seconds() -> float:
    """User + system CPU time of this process so far (all its threads)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def loadavg() -> list[float] | None:
    """The 1, 5 and 15 minute load averages, or None off Linux."""
    try:
        return list(os.getloadavg())
    except OSError:
        return None


def _cpu_times() -> tuple[int, int] | None:
    """(busy, total) jiffies of all CPUs from /proc/stat."""
    try:
        with open('/proc/stat') as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    # guest time is already counted in user/nice: leave it out of the sum.
    total = sum(fields[:8])
    return total - idle, total


class MachineCPU:
    """Machine-wide CPU busy share between start() and stop()."""

    def __init__(self) -> None:
        self._start = None

    def start(self) -> None:
        self._start = _cpu_times()

    def stop(self) -> float | None:
        """Percent of all CPUs busy since start(), or None if unknown."""
        end = _cpu_times()
        if self._start is None or end is None:
            return None
        busy = end[0] - self._start[0]
        total = end[1] - self._start[1]
        return round(100.0 * busy / total, 1) if total > 0 else None


def cpu_count() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1
