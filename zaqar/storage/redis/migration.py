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

"""Bring topics of the layout before scopes into the topic namespace.

Deployments before topics had a storage scope kept a project's topics
under the hidden project "\\n" + project (``scope.legacy_project``). The
driver moves them on first use (``DataDriver.ensure_ready``): one
``topic_migrate.lua`` call per topic, atomic, so an interrupted migration
resumes where it stopped and a finished one finds nothing to do.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from zaqar.storage import scope as scopes
from zaqar.storage.redis import keys, records

if TYPE_CHECKING:
    from zaqar.storage.redis.driver import DataDriver

LOG = logging.getLogger(__name__)

# A hidden project's queue index (its project may hold a line feed).
_INDEX_KEY = re.compile(r'^zq:\{#(.*)\}:queues$', re.DOTALL)


def _legacy_projects(driver: DataDriver) -> list[str]:
    return sorted(p for p in (records.text(m) for m in driver.executor.call(
        lambda w, r: w.call('SMEMBERS', keys.PROJECTS)))
        if p.startswith(scopes.LEGACY_TOPIC_MARKER))


def topic_keys(driver: DataDriver, project: str, topic: str) -> tuple:
    """The KEYS of topic_migrate.lua for ``project``'s ``topic``."""
    hidden = scopes.legacy_project(project)
    layout = driver.keys
    old_q = layout.queue_keys(hidden, topic)
    old_o = layout.outbox_keys(hidden, topic)
    new_q = layout.queue_keys(project, topic, scopes.TOPIC)
    new_o = layout.outbox_keys(project, topic, scopes.TOPIC)
    return (old_q[0], *old_q[11:14], old_q[10], old_o[0], old_o[1],
            new_q[0], *new_q[11:14], new_q[10], new_o[0], new_o[1],
            old_o[5], new_o[5], new_o[2], layout.projects(project))


def migrate_topics(driver: DataDriver) -> int:
    """Move every topic of the hidden projects; returns how many moved.

    Redis Cluster is left alone: the hidden project's keys sit in another
    hash slot than the project's, so no single script can move them.
    """
    if driver.keys.cluster:
        return 0
    moved = 0
    for hidden in _legacy_projects(driver):
        project, _ = scopes.legacy_split(hidden)
        index = keys.queue_index(hidden)
        names = [records.text(n) for n in driver.executor.call(
            lambda w, r, i=index: w.call('ZRANGE', i, 0, -1))]
        for name in names:
            tkeys = topic_keys(driver, project, name)
            args = (name, project, keys.escape(project), hidden)
            moved += int(driver.executor.call(
                lambda w, r, k=tkeys, a=args: w.script('topic_migrate', k,
                                                       a)))
        if not names:
            # Nothing left under it: forget the hidden project.
            driver.executor.call(lambda w, r, h=hidden: w.call(
                'SREM', keys.PROJECTS, h))
    if moved:
        LOG.info('Moved %d topics out of hidden projects', moved)
    return moved


def unmigrated_topics(driver: DataDriver) -> list[tuple[str, str]]:
    """(project, topic) of every topic still stored under a hidden
    project: on Redis Cluster, which ``migrate_topics`` leaves alone
    (elsewhere the driver moves them when it is first used)."""
    if driver.keys.cluster:
        hidden = set()
        pattern = 'zq:{#' + scopes.LEGACY_TOPIC_MARKER + '*}:queues'
        for client in driver.wire.primaries():
            for key in client.scan_iter(match=pattern, count=1000):
                found = _INDEX_KEY.match(records.text(key))
                if found:
                    hidden.add(keys.unescape(found.group(1)))
    else:
        hidden = set(_legacy_projects(driver))
    topics = []
    for project in sorted(hidden):
        index = driver.keys.queue_index(project)
        names = driver.executor.call(
            lambda w, r, i=index: w.call('ZRANGE', i, 0, -1))
        topics += [(scopes.legacy_split(project)[0], records.text(n))
                   for n in names]
    return topics
