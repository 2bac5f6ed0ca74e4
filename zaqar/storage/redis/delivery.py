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

"""The notification outbox: deliveries leased by workers of any process.

A post enqueues its deliveries inside ``message_post.lua`` (one atomic
step with the messages); ``enqueue`` adds confirmation requests. Leasing
moves a delivery's due time to the end of the lease and stamps the call's
token, so a worker that dies only lets the lease run out: delivery is at
least once. See ``scripts/delivery_*.lua`` and keys.py for the layout.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from zaqar.storage import base
from zaqar.storage.redis import keys, records

if TYPE_CHECKING:
    from zaqar.storage.redis.driver import DataDriver

# Longest error text kept with a delivery or a failure record.
ERROR_MAX = 1000

# Positions in a delivery record (mirrors scripts/lib.lua).
_PROJECT, _QUEUE, _SUB, _KIND, _ATTEMPTS, _CREATED, _LEASE, _ERROR = range(8)
# Records written before topics had a scope end before it: a queue's.
_SCOPE = 9


def _error(text: str | None) -> str:
    return '' if text is None else str(text)[:ERROR_MAX]


def message_items(messages: Sequence[dict]) -> list:
    """Flat (id, body JSON, ttl, delay, checksum) groups for the scripts."""
    args: list = []
    for m in messages:
        args += (m['id'], records.encode_body(m.get('body')), int(m['ttl']),
                 int(m.get('delay') or 0), m.get('checksum') or '')
    return args


def _delivery(did: Any, raw: Any, payload: Any) -> base.Delivery:
    rec = json.loads(raw)
    return base.Delivery(
        id=records.text(did), project=rec[_PROJECT], queue=rec[_QUEUE],
        subscription_id=rec[_SUB], kind=rec[_KIND],
        payload=json.loads(payload), attempts=int(rec[_ATTEMPTS]),
        created=rec[_CREATED], lease=rec[_LEASE],
        last_error=rec[_ERROR] or None,
        scope=rec[_SCOPE] if len(rec) > _SCOPE else base.QUEUE)


class DeliveryController(base.DeliveryController):
    """The outbox in the ``zq:{outbox}:*`` keys."""

    def __init__(self, driver: DataDriver):
        self._driver = driver
        self._keys = driver.keys
        self._run = driver.executor.call

    def announce(self, project: str) -> None:
        """New deliveries of ``project`` exist: wake local workers and, on a
        cluster, list the project in the active index (cluster_index.py)."""
        if self._keys.cluster:
            self._driver.active_projects.mark(project)
        self.activity.set()

    def _script(self, name: str, keys_: Sequence[str], args: Sequence):
        return self._run(lambda w, r: w.script(name, keys_, args))

    def enqueue(self, queue: str, subscription_id: str, kind: str,
                payload: dict, *, project: str, scope: str = base.QUEUE,
                delay: float = 0) -> str:
        args = (records.now(), project, keys.escape(project), queue,
                subscription_id, kind, records.encode_body(payload),
                float(delay), scope)
        did = self._script('delivery_enqueue',
                           self._keys.outbox_keys(project, queue, scope),
                           args)
        self.announce(project)
        return records.text(did)

    def fan_out(self, queue: str, messages: Sequence[dict], *,
                project: str, scope: str = base.QUEUE,
                traceparent: str | None = None) -> int:
        """One script: a topic's record is created by it if missing."""
        if not messages:
            return 0
        qkeys = (*self._keys.queue_keys(project, queue, scope),
                 *self._keys.outbox_keys(project, queue, scope))
        args = (records.now(), project, keys.escape(project), queue,
                len(messages), *message_items(messages), traceparent or '',
                scope)
        count = int(self._script('delivery_fan_out', qkeys, args))
        if count:
            self.announce(project)
        return count

    def lease(self, limit: int, seconds: float, *,
              project: str | None = None) -> list[base.Delivery]:
        if project is None and self._keys.cluster:
            return self._lease_cluster(limit, seconds)
        if project is None:
            source = keys.OUTBOX_DUE
            scope = keys.PROJECTS  # any project: the shared outbox
        else:
            source = self._keys.project_due(project)
            scope = project
        args = (records.now(), int(limit), float(seconds),
                str(uuid.uuid4()), self._prefix(scope))
        flat = self._script('delivery_lease',
                            (source, *self._shared(scope)), args)
        return [_delivery(d, r, p) for d, r, p in records.triples(flat)]

    def _shared(self, scope: str) -> tuple[str, str, str]:
        """(dlv, body, due) of the outbox of ``scope``: a project, or
        keys.PROJECTS for the shared single-server outbox."""
        if scope == keys.PROJECTS or not self._keys.cluster:
            return keys.OUTBOX_RECORDS, keys.OUTBOX_PAYLOADS, keys.OUTBOX_DUE
        return self._keys.outbox_shared(scope)

    def _prefix(self, scope: str) -> str:
        if scope == keys.PROJECTS or not self._keys.cluster:
            return keys.OUTBOX_PREFIX
        return self._keys.outbox_prefix(scope)

    def _lease_cluster(self, limit: int,
                       seconds: float) -> list[base.Delivery]:
        """Earliest due deliveries of every active project: read each
        project's due set, then lease from those that hold the earliest."""
        index = self._driver.active_projects
        now = records.now()
        candidates: list[tuple[float, str]] = []
        for project in index.members():
            due = self._keys.outbox_shared(project)[2]
            rows = self._run(lambda w, r, k=due: w.call(
                'ZRANGEBYSCORE', k, '-inf', now, 'WITHSCORES', 'LIMIT', 0,
                int(limit)))
            if not rows:
                index.prune(project)
            candidates += [(float(score), project)
                           for score in rows[1::2]]
        shares: dict[str, int] = {}
        for _, project in sorted(candidates)[:int(limit)]:
            shares[project] = shares.get(project, 0) + 1
        leased: list[base.Delivery] = []
        for project, count in shares.items():
            leased += self.lease(count, seconds, project=project)
        return leased

    def _settle(self, action: str, args: Sequence,
                scope: str = keys.PROJECTS) -> int:
        return int(self._script(
            'delivery_settle', self._shared(scope),
            (action, records.now(), self._prefix(scope), *args)))

    def complete(self, deliveries: Iterable[base.Delivery]) -> None:
        pairs: dict[str, list[str]] = {}
        for delivery in deliveries:
            if delivery.lease:
                pairs.setdefault(delivery.project, []).extend(
                    (delivery.id, delivery.lease))
        if not self._keys.cluster:  # one shared outbox: one call
            pairs = {keys.PROJECTS: [i for v in pairs.values() for i in v]}
        for scope, flat in pairs.items():
            if flat:
                self._settle('complete', flat, scope)

    def retry(self, delivery: base.Delivery, at: float, error: str) -> bool:
        if not delivery.lease:
            return False
        return bool(self._settle('retry', (delivery.id, delivery.lease,
                                           float(at), _error(error)),
                                 delivery.project))

    def fail(self, delivery: base.Delivery, error: str) -> bool:
        if not delivery.lease:
            return False
        return bool(self._settle('fail', (delivery.id, delivery.lease,
                                          _error(error)), delivery.project))

    def pending(self, queue: str, *, project: str,
                scope: str = base.QUEUE) -> int:
        pend = self._keys.outbox_keys(project, queue, scope)[0]
        return int(self._run(lambda w, r: w.call('SCARD', pend)))

    def state(self, queue: str, subscription_id: str, *,
              project: str, scope: str = base.QUEUE
              ) -> base.SubscriberState:
        key = self._keys.outbox_state(project, queue, scope)
        raw = self._run(lambda w, r: w.call('HGET', key, subscription_id))
        if raw is None:
            return base.SubscriberState()
        secret, trust_id, failed, last_error, last_failure_at = \
            json.loads(raw)
        return base.SubscriberState(
            secret=secret, trust_id=trust_id, failed=int(failed),
            last_error=last_error, last_failure_at=last_failure_at)

    def _set(self, queue: str, subscription_id: str, project: str,
             scope: str, position: int, value: str | None) -> None:
        self._script('delivery_state_set',
                     (self._keys.outbox_state(project, queue, scope),),
                     (subscription_id, position,
                      '1' if value is None else '0', value or ''))

    def set_secret(self, queue: str, subscription_id: str,
                   secret: str | None, *, project: str,
                   scope: str = base.QUEUE) -> None:
        self._set(queue, subscription_id, project, scope, 1, secret)

    def set_trust(self, queue: str, subscription_id: str,
                  trust_id: str | None, *, project: str,
                  scope: str = base.QUEUE) -> None:
        self._set(queue, subscription_id, project, scope, 2, trust_id)
