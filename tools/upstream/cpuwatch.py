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

"""Who used the CPUs during one bench run: servers, Redis, bench, others.

On a shared machine another job's load skews a comparison; measuring it
lets the table say so instead of silently reporting noise.
"""

from __future__ import annotations

import os
import resource
import time
from typing import Self

TICK = os.sysconf('SC_CLK_TCK')


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds) of one process from /proc/<pid>/stat."""
    try:
        with open(f'/proc/{pid}/stat') as f:
            text = f.read()
    except OSError:
        return None
    # The command name may hold spaces: fields start after its ')'.
    fields = text[text.rindex(')') + 2:].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK


def tree_cpu_seconds(root: int) -> float:
    """CPU seconds used so far by ``root`` and all its descendants."""
    table = {}
    for name in os.listdir('/proc'):
        if name.isdigit():
            found = _stat(int(name))
            if found:
                table[int(name)] = found
    wanted, total = {root}, 0.0
    # Parents come before children in pid order only mostly: iterate.
    changed = True
    while changed:
        changed = False
        for pid, (ppid, _) in table.items():
            if ppid in wanted and pid not in wanted:
                wanted.add(pid)
                changed = True
    for pid in wanted:
        if pid in table:
            total += table[pid][1]
    return total


def _machine() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far."""
    with open('/proc/stat') as f:
        fields = [int(v) for v in f.readline().split()[1:9]]
    idle = fields[3] + fields[4]
    return (sum(fields) - idle) / TICK, sum(fields) / TICK


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class Watch:
    """Measure a stretch of time; ``pids`` name the processes to track."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids

    def __enter__(self) -> Self:
        self._wall = time.monotonic()
        self._machine = _machine()
        self._bench = _children_cpu()
        self._trees = {n: tree_cpu_seconds(p) for n, p in self.pids.items()}
        return self

    def __exit__(self, *exc) -> None:
        wall = max(time.monotonic() - self._wall, 1e-9)
        busy, total = _machine()
        busy -= self._machine[0]
        total -= self._machine[1]
        cores = total / wall
        used = {n: tree_cpu_seconds(p) - self._trees[n]
                for n, p in self.pids.items()}
        # The bench ran as a child of this process and has been waited for.
        used['bench'] = _children_cpu() - self._bench
        # Everyone else: other users' jobs on the shared machine.
        used['other'] = max(0.0, busy - sum(used.values()))
        self.result = {
            'seconds': round(wall, 2),
            'machine_busy_pct': round(100.0 * busy / max(total, 1e-9), 1),
            # Share of one core, per party, over the whole bench run.
            'cores': {n: round(v / wall, 2) for n, v in used.items()},
            'cpus': round(cores, 1),
        }
