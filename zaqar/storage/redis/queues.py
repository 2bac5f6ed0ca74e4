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

"""Queue records: a hash per queue and a per-project sorted set of names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zaqar.storage import base, errors, models
from zaqar.storage.redis import keys, records

if TYPE_CHECKING:
    from zaqar.storage.redis.driver import DataDriver


class QueueController(base.QueueController):
    """Names live in ``zq:{#project}:queues``; lexicographic ZRANGEBYLEX
    gives byte order, markers and the name filter in one script call."""

    def __init__(self, driver: DataDriver):
        self._driver = driver
        self._keys = driver.keys
        self._run = driver.executor.call

    def create(self, name: str, *, project: str,
               scope: str = base.QUEUE,
               metadata: dict | None = None) -> bool:
        """See base; a call retried after a lost reply may report False
        for the queue it created itself."""
        metadata = metadata or {}
        args = (name, records.encode_metadata(metadata),
                *records.dead_letter_fields(metadata), project)
        rec = self._keys.queue_keys(project, name, scope)[0]
        qkeys = (rec, keys.queue_index(project, scope),
                 self._keys.projects(project))
        return self._run(
            lambda w, r: w.script('queue_create', qkeys, args)) == 1

    def get_metadata(self, name: str, *, project: str,
                     scope: str = base.QUEUE) -> dict:
        rec = self._keys.queue_keys(project, name, scope)[0]
        raw = self._run(lambda w, r: w.call('HGET', rec, 'm'))
        if raw is None:
            raise errors.QueueDoesNotExist(name, project)
        return records.decode_json(raw)

    def set_metadata(self, name: str, metadata: dict, *,
                     project: str, scope: str = base.QUEUE) -> None:
        rec = self._keys.queue_keys(project, name, scope)[0]
        args = (records.encode_metadata(metadata),
                *records.dead_letter_fields(metadata))
        done = self._run(
            lambda w, r: w.script('queue_set_metadata', (rec,), args))
        if not done:
            raise errors.QueueDoesNotExist(name, project)

    def exists(self, name: str, *, project: str,
               scope: str = base.QUEUE) -> bool:
        rec = self._keys.queue_keys(project, name, scope)[0]
        return bool(self._run(lambda w, r: w.call('EXISTS', rec)))

    def delete(self, name: str, *, project: str,
               scope: str = base.QUEUE) -> None:
        qkeys = (*self._keys.queue_keys(project, name, scope),
                 *self._keys.outbox_keys(project, name, scope))
        self._run(lambda w, r: w.script('queue_delete', qkeys, (name,)))

    def purge(self, name: str, *, project: str,
              scope: str = base.QUEUE) -> int:
        """Delete every message and claim, keeping the queue and its
        subscriptions (not part of the base contract); returns how many
        messages were stored."""
        qkeys = self._keys.queue_keys(project, name, scope)
        return int(self._run(lambda w, r: w.script('queue_purge', qkeys,
                                                   ())))

    def _select(self, project: str, scope: str, marker: str | None,
                limit: int, name: str | None, detailed: bool,
                counting: bool) -> list:
        args = (marker or '', limit, name or '', '1' if detailed else '0',
                '1' if counting else '0', keys.queues_prefix(project, scope))
        index = (keys.queue_index(project, scope),)
        return self._run(lambda w, r: w.script('queue_list', index, args))

    def list(self, *, project: str, scope: str = base.QUEUE,
             marker: str | None = None,
             limit: int = 10, detailed: bool = False,
             name: str | None = None
             ) -> tuple[list[models.Queue], str | None]:
        flat = self._select(project, scope, marker, limit, name, detailed,
                            False)
        queues = [
            models.Queue(records.text(flat[i]),
                         records.decode_json(flat[i + 1]) if detailed
                         else None)
            for i in range(0, len(flat), 2)]
        return queues, (queues[-1].name if queues else None)

    def count(self, *, project: str, scope: str = base.QUEUE,
              name: str | None = None) -> int:
        return int(self._select(project, scope, None, 0, name, False,
                                True)[0])

    def stats(self, name: str, *, project: str,
              scope: str = base.QUEUE) -> models.QueueStats:
        at = records.now()
        qkeys = self._keys.queue_keys(project, name, scope)
        total, claimed, oldest, oldest_at, newest, newest_at = self._run(
            lambda w, r: w.script('queue_stats', qkeys, (at,)))
        return models.QueueStats(
            claimed=int(claimed), free=int(total) - int(claimed),
            oldest=_stamp(oldest, oldest_at, at),
            newest=_stamp(newest, newest_at, at))


def _stamp(message_id: bytes, created: bytes,
           at: float) -> models.MessageStamp | None:
    if not message_id:
        return None
    when = float(created)
    return models.MessageStamp(id=records.text(message_id), created=when,
                               age=int(at - when))
