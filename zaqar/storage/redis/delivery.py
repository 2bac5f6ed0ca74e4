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
        last_error=rec[_ERROR] or None)


class DeliveryController(base.DeliveryController):
    """The outbox in the ``zq:{outbox}:*`` keys."""

    def __init__(self, driver: DataDriver):
        self._driver = driver
        self._run = driver.executor.call

    def _script(self, name: str, keys_: Sequence[str], args: Sequence):
        return self._run(lambda w, r: w.script(name, keys_, args))

    def enqueue(self, queue: str, subscription_id: str, kind: str,
                payload: dict, *, project: str, delay: float = 0) -> str:
        args = (records.now(), project, keys.escape(project), queue,
                subscription_id, kind, records.encode_body(payload),
                float(delay))
        did = self._script('delivery_enqueue',
                           keys.outbox_keys(project, queue), args)
        self.activity.set()
        return records.text(did)

    def fan_out(self, queue: str, messages: Sequence[dict], *,
                project: str) -> int:
        if not messages:
            return 0
        qkeys = (*keys.queue_keys(project, queue),
                 *keys.outbox_keys(project, queue))
        args = (records.now(), project, keys.escape(project), queue,
                len(messages), *message_items(messages))
        count = int(self._script('delivery_fan_out', qkeys, args))
        if count:
            self.activity.set()
        return count

    def lease(self, limit: int, seconds: float, *,
              project: str | None = None) -> list[base.Delivery]:
        source = (keys.OUTBOX_DUE if project is None
                  else keys.project_due(project))
        args = (records.now(), int(limit), float(seconds),
                str(uuid.uuid4()), keys.OUTBOX_PREFIX)
        flat = self._script('delivery_lease',
                            (source, keys.OUTBOX_RECORDS,
                             keys.OUTBOX_PAYLOADS, keys.OUTBOX_DUE), args)
        return [_delivery(d, r, p) for d, r, p in records.triples(flat)]

    def _settle(self, action: str, args: Sequence) -> int:
        return int(self._script(
            'delivery_settle',
            (keys.OUTBOX_RECORDS, keys.OUTBOX_PAYLOADS, keys.OUTBOX_DUE),
            (action, records.now(), keys.OUTBOX_PREFIX, *args)))

    def complete(self, deliveries: Iterable[base.Delivery]) -> None:
        pairs: list[str] = []
        for delivery in deliveries:
            if delivery.lease:
                pairs += (delivery.id, delivery.lease)
        if pairs:
            self._settle('complete', pairs)

    def retry(self, delivery: base.Delivery, at: float, error: str) -> bool:
        if not delivery.lease:
            return False
        return bool(self._settle('retry', (delivery.id, delivery.lease,
                                           float(at), _error(error))))

    def fail(self, delivery: base.Delivery, error: str) -> bool:
        if not delivery.lease:
            return False
        return bool(self._settle('fail', (delivery.id, delivery.lease,
                                          _error(error))))

    def pending(self, queue: str, *, project: str) -> int:
        pend = keys.outbox_keys(project, queue)[0]
        return int(self._run(lambda w, r: w.call('SCARD', pend)))

    def state(self, queue: str, subscription_id: str, *,
              project: str) -> base.SubscriberState:
        key = keys.outbox_state(project, queue)
        raw = self._run(lambda w, r: w.call('HGET', key, subscription_id))
        if raw is None:
            return base.SubscriberState()
        secret, trust_id, failed, last_error, last_failure_at = \
            json.loads(raw)
        return base.SubscriberState(
            secret=secret, trust_id=trust_id, failed=int(failed),
            last_error=last_error, last_failure_at=last_failure_at)

    def _set(self, queue: str, subscription_id: str, project: str,
             position: int, value: str | None) -> None:
        self._script('delivery_state_set',
                     (keys.outbox_state(project, queue),),
                     (subscription_id, position,
                      '1' if value is None else '0', value or ''))

    def set_secret(self, queue: str, subscription_id: str,
                   secret: str | None, *, project: str) -> None:
        self._set(queue, subscription_id, project, 1, secret)

    def set_trust(self, queue: str, subscription_id: str,
                  trust_id: str | None, *, project: str) -> None:
        self._set(queue, subscription_id, project, 2, trust_id)
