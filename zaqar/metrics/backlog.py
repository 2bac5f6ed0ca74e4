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

"""zaqar_queue_messages: free and claimed messages of the largest queues.

Which queues exist across all projects is not something a store lists
cheaply, so each process remembers the queues its requests recently used
(bounded) and, at scrape time, reads their stats and reports the
``[metrics] backlog_queues`` largest. Without ``backlog_project_label``
the series carry the queue name only, and same-named queues of different
projects are added together.
"""

from __future__ import annotations

import collections
import logging
import threading

from prometheus_client.core import GaugeMetricFamily

LOG = logging.getLogger(__name__)

# Recently used queues remembered per process.
_RECENT = 200


class BacklogCollector:
    """A custom collector over the recently used queues."""

    def __init__(self, svc, top: int, by_project: bool):
        self.svc = svc
        self.top = top
        self.by_project = by_project
        self._recent: collections.OrderedDict = collections.OrderedDict()
        self._lock = threading.Lock()

    def seen(self, project: str, queue: str) -> None:
        key = (project, queue)
        with self._lock:
            self._recent[key] = None
            self._recent.move_to_end(key)
            if len(self._recent) > _RECENT:
                self._recent.popitem(last=False)

    def collect(self):
        labels = ['project', 'queue', 'state'] if self.by_project \
            else ['queue', 'state']
        family = GaugeMetricFamily(
            'zaqar_queue_messages',
            'Messages in the largest recently used queues, by state.',
            labels=labels)
        with self._lock:
            keys = list(self._recent)
        sizes: dict[tuple, list[int]] = {}
        for project, queue in keys:
            try:
                stats = self.svc.queues.stats(queue, project=project)
            except Exception:  # noqa: BLE001 - a scrape never fails on this
                LOG.debug('Backlog of %s unreadable', queue, exc_info=True)
                continue
            key = (project, queue) if self.by_project else (queue,)
            counts = sizes.setdefault(key, [0, 0])
            counts[0] += stats.free
            counts[1] += stats.claimed
        largest = sorted(sizes.items(), key=lambda kv: -sum(kv[1]))
        for key, (free, claimed) in largest[:self.top]:
            family.add_metric([*key, 'free'], free)
            family.add_metric([*key, 'claimed'], claimed)
        yield family
