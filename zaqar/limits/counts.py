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

"""Queue message counts for the capacity limit, read from storage rarely.

A post far below the limit is admitted on a recent count (at most
``FRESH`` seconds old) plus what this process posted since; within the
last ``MARGIN`` of the limit, or with an older count, the store is asked.
So a busy queue costs one stats read per second per process, not one per
post, and the limit is exact where it matters: near it.
"""

from __future__ import annotations

import threading
import time

# Seconds a count read from the store is trusted.
FRESH = 1.0
# Fraction of the limit, at the top, where every post reads the store.
MARGIN = 0.1
# Queues whose counts are kept at most (all dropped past it).
_SIZE = 10000


class QueueCounts:
    def __init__(self):
        self._counts: dict[tuple[str, str], list[float]] = {}
        self._lock = threading.Lock()

    def admits(self, svc, project: str, queue: str, count: int,
               limit: int) -> bool:
        """Whether ``count`` more messages fit under ``limit``."""
        key = (project, queue)
        now = time.monotonic()
        ceiling = limit - limit * MARGIN
        with self._lock:
            entry = self._counts.get(key)
            if (entry is not None and now - entry[1] < FRESH
                    and entry[0] + count <= ceiling):
                entry[0] += count
                return True
        held = svc.queues.stats(queue, project=project).total
        admitted = held + count <= limit
        with self._lock:
            if len(self._counts) >= _SIZE:
                self._counts.clear()
            self._counts[key] = [held + (count if admitted else 0), now]
        return admitted
