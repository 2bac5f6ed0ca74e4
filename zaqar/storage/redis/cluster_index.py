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

"""Cluster-wide views that a per-project key layout cannot give.

On Redis Cluster every key of a project lives in the project's slot
(keys.ClusterLayout), including its outbox, so a notifier worker cannot
read "every due delivery" from one sorted set. ``zq:{outbox}:active``
(keys.CLUSTER_ACTIVE, a ZSET: project -> when deliveries were last
added) names the projects to look at.

Why a crash cannot hide a delivery: the index is written *after* the
script that enqueued (a second slot cannot join the script), so a process
that dies in between leaves deliveries in a project that is not listed.
The gc (``rediscover``) scans every master for non-empty outboxes and
lists their projects again, so such deliveries wait at most one gc pass.
A project is dropped from the index only by ``prune``, which removes it
only if it was not marked since the caller saw its outbox empty (the
check runs in one script on the index's own slot), so a concurrent mark
always wins. The gc likewise finds projects by scanning for queue
indexes instead of reading a global set.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from zaqar.storage.redis import keys, records

if TYPE_CHECKING:
    from zaqar.storage.redis.driver import DataDriver

# A project stays listed this long (seconds) after its last mark even
# when its outbox looks empty: longer than any call that marks it.
GRACE = 60.0

_PROJECT_KEY = re.compile(r'^zq:\{#(.*)\}:(queues|topics|ob:due)$')

# Remove member ARGV[1] only if its score is still <= ARGV[2].
_PRUNE = ("local s = redis.call('ZSCORE', KEYS[1], ARGV[1]) "
          "if s and tonumber(s) <= tonumber(ARGV[2]) then "
          "return redis.call('ZREM', KEYS[1], ARGV[1]) end return 0")


class ActiveProjects:
    """The index of projects with deliveries, and project discovery."""

    def __init__(self, driver: DataDriver):
        self._driver = driver
        self._run = driver.executor.call

    def mark(self, project: str) -> None:
        at = records.now()
        self._run(lambda w, r: w.call('ZADD', keys.CLUSTER_ACTIVE, at,
                                      project))

    def members(self) -> list[str]:
        return [records.text(p) for p in self._run(
            lambda w, r: w.call('ZRANGE', keys.CLUSTER_ACTIVE, 0, -1))]

    def prune(self, project: str) -> None:
        """Forget ``project`` unless it was marked in the last GRACE s."""
        cutoff = records.now() - GRACE
        self._run(lambda w, r: w.call('EVAL', _PRUNE, 1,
                                      keys.CLUSTER_ACTIVE, project, cutoff))

    def scan(self, suffix: str) -> Iterator[str]:
        """Projects having a ``zq:{#<project>}:<suffix>`` key, from every
        master of the cluster."""
        pattern = 'zq:{#*}:' + suffix
        for client in self._driver.wire.primaries():
            for key in client.scan_iter(match=pattern, count=1000):
                found = _PROJECT_KEY.match(records.text(key))
                if found:
                    yield keys.unescape(found.group(1))

    def rediscover(self) -> int:
        """List again every project whose outbox holds deliveries."""
        found = 0
        for project in set(self.scan('ob:due')):
            self.mark(project)
            found += 1
        return found
