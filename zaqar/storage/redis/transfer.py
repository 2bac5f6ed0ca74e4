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

"""Whole-record export and import of a queue (see zaqar.storage.transfer).

Reads are plain commands (a record that vanishes between the index read
and the hash read is simply not returned); writes are the scripts
``transfer_import``, ``transfer_remove``, ``transfer_claims_import`` and
``transfer_dedup_import``, each atomic. Message ids are hash fields, so any engine's ids are kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from zaqar.storage import transfer
from zaqar.storage.redis import records

if TYPE_CHECKING:
    from zaqar.storage.redis.driver import DataDriver

# Records per script call: keeps each call (and its blocking) short.
CHUNK = 200


def _number(value: float | None) -> str:
    return '' if value is None else repr(float(value))


def _record(message_id, raw, body, at: float) -> transfer.MessageRecord:
    info = records.decode_record(raw)
    claimed = bool(info[records.CLAIM]) and info[records.CLAIM_EXP] > at
    return transfer.MessageRecord(
        id=records.text(message_id),
        body=records.decode_json(body) if body is not None else None,
        created=float(info[records.CREATED]),
        expires=float(info[records.CREATED] + info[records.TTL]),
        delay_until=float(info[records.DELAY] or 0),
        client_uuid=info[records.CLIENT] or None,
        checksum=info[records.CHECKSUM] or None,
        claim_id=info[records.CLAIM] if claimed else None,
        claim_expires=float(info[records.CLAIM_EXP]) if claimed else None,
        claim_count=int(info[records.CLAIM_COUNT]),
        dedup_id=_optional(info, records.DEDUP),
        group=_optional(info, records.GROUP))


def _optional(info: list, at: int) -> str | None:
    """A record field written only for some messages ('' = none)."""
    return (info[at] or None) if len(info) > at else None


class TransferController(transfer.TransferController):
    """Record-level access to the Redis layout of scripts/lib.lua."""

    def __init__(self, driver: DataDriver):
        self._keys = driver.keys
        self._run = driver.executor.call

    def _read(self, queue: str, project: str,
              ids: list) -> list[transfer.MessageRecord]:
        if not ids:
            return []
        qkeys = self._keys.queue_keys(project, queue)
        commands = (('HMGET', qkeys[1], *ids), ('HMGET', qkeys[2], *ids))
        infos, bodies = self._run(lambda w, r: w.batch(commands))
        at = records.now()
        return [_record(i, raw, body, at)
                for i, raw, body in zip(ids, infos, bodies, strict=True)
                if raw is not None and records.is_live(raw, at)]

    def export_tail(self, queue: str, *, project: str,
                    limit: int) -> list[transfer.MessageRecord]:
        qkeys = self._keys.queue_keys(project, queue)
        ids = self._run(lambda w, r: w.call('ZRANGE', qkeys[3],
                                            -int(limit), -1))
        return self._read(queue, project, list(ids))

    def fetch(self, queue: str, message_ids: Iterable[str], *,
              project: str) -> list[transfer.MessageRecord]:
        ids = list(dict.fromkeys(str(i) for i in message_ids))
        if not ids:
            return []
        qkeys = self._keys.queue_keys(project, queue)
        commands = [('ZSCORE', qkeys[3], i) for i in ids]
        scores = self._run(lambda w, r: w.batch(commands))
        ordered = sorted((float(s), i) for i, s in zip(ids, scores,
                                                       strict=True)
                         if s is not None)
        return self._read(queue, project, [i for _, i in ordered])

    def import_messages(self, queue: str,
                        records_: Sequence[transfer.MessageRecord], *,
                        project: str) -> None:
        qkeys = self._keys.queue_keys(project, queue)
        # Later chunks go first: each chunk is placed before the queue's
        # head, so the given order holds across chunks too.
        chunks = [records_[i:i + CHUNK]
                  for i in range(0, len(records_), CHUNK)]
        for chunk in reversed(chunks):
            args: list = [records.now(), queue, project, len(chunk)]
            for r in chunk:
                args += (r.id, records.encode_body(r.body),
                         _number(r.created), _number(r.expires),
                         _number(r.delay_until), r.client_uuid or '',
                         r.checksum or '', r.claim_id or '',
                         _number(r.claim_expires or 0), int(r.claim_count),
                         r.dedup_id or '', r.group or '')
            self._run(lambda w, r, a=args: w.script('transfer_import',
                                                    qkeys, a))

    def release(self, queue: str,
                records_: Sequence[transfer.MessageRecord], *,
                project: str) -> None:
        qkeys = self._keys.queue_keys(project, queue)
        for i in range(0, len(records_), CHUNK):
            args: list = [records.now()]
            for r in records_[i:i + CHUNK]:
                args += (r.id, _number(r.delay_until))
            self._run(lambda w, r, a=args: w.script('transfer_release',
                                                    qkeys, a))

    def remove_unchanged(self, queue: str,
                         records_: Sequence[transfer.MessageRecord], *,
                         project: str) -> list[str]:
        qkeys = self._keys.queue_keys(project, queue)
        kept: list[str] = []
        for i in range(0, len(records_), CHUNK):
            chunk = records_[i:i + CHUNK]
            args: list = [records.now(), len(chunk)]
            for r in chunk:
                args += (r.id, _number(r.expires), r.claim_id or '',
                         _number(r.claim_expires), int(r.claim_count))
            reply = self._run(lambda w, r, a=args: w.script(
                'transfer_remove', qkeys, a))
            kept += [records.text(x) for x in reply]
        return kept

    def export_claims(self, queue: str, *,
                      project: str) -> list[transfer.ClaimRecord]:
        qkeys = self._keys.queue_keys(project, queue)
        reply = self._run(lambda w, r: w.call('HGETALL', qkeys[8]))
        # A dict from a RESP3 connection, a flat list from RESP2.
        pairs = (reply.items() if isinstance(reply, dict)
                 else zip(reply[::2], reply[1::2]))
        at = records.now()
        found = []
        for claim_id, raw in pairs:
            ttl, renewed, expires, grace, _ = records.decode_json(raw)
            if expires > at:
                found.append(transfer.ClaimRecord(
                    id=records.text(claim_id), ttl=int(ttl),
                    renewed=float(renewed), expires=float(expires),
                    grace=int(grace)))
        return sorted(found, key=lambda c: c.id)

    def import_claims(self, queue: str,
                      claims: Sequence[transfer.ClaimRecord], *,
                      project: str) -> None:
        if not claims:
            return
        qkeys = self._keys.queue_keys(project, queue)
        args: list = [queue, project, len(claims)]
        for c in claims:
            args += (c.id, int(c.ttl), _number(c.renewed),
                     _number(c.expires), int(c.grace))
        self._run(lambda w, r: w.script('transfer_claims_import', qkeys,
                                        args))

    def _dedup_keys(self, project: str, queue: str) -> tuple[str, str]:
        """(dd, ddx) of a queue: beside its ``rec`` key (lib.lua)."""
        rec = self._keys.queue_keys(project, queue)[0]
        return rec[:-3] + 'dd', rec[:-3] + 'ddx'

    def export_dedup(self, queue: str, *, project: str,
                     dedup_ids: Iterable[str] | None = None
                     ) -> list[transfer.DedupRecord]:
        dd, ddx = self._dedup_keys(project, queue)
        at = records.now()
        if dedup_ids is None:
            reply = self._run(lambda w, r: w.call(
                'ZRANGEBYSCORE', ddx, f'({at!r}', '+inf', 'WITHSCORES'))
            # [member, score] pairs from a RESP3 connection, a flat list
            # from RESP2.
            flat = (reply if not reply or not isinstance(reply[0], list)
                    else [x for pair in reply for x in pair])
            pairs = [(records.text(k), float(v))
                     for k, v in zip(flat[::2], flat[1::2])]
        else:
            keys = list(dict.fromkeys(dedup_ids))
            if not keys:
                return []
            scores = self._run(lambda w, r: w.batch(
                [('ZSCORE', ddx, k) for k in keys]))
            pairs = [(k, float(v)) for k, v in zip(keys, scores, strict=True)
                     if v is not None and float(v) > at]
        if not pairs:
            return []
        ids = self._run(lambda w, r: w.call('HMGET', dd,
                                            *[k for k, _ in pairs]))
        return sorted((transfer.DedupRecord(k, records.text(i), expires)
                       for (k, expires), i in zip(pairs, ids, strict=True)
                       if i is not None), key=lambda d: d.dedup_id)

    def import_dedup(self, queue: str,
                     records_: Sequence[transfer.DedupRecord], *,
                     project: str) -> None:
        if not records_:
            return
        qkeys = self._keys.queue_keys(project, queue)
        for i in range(0, len(records_), CHUNK):
            chunk = records_[i:i + CHUNK]
            args: list = [records.now(), queue, project, len(chunk)]
            for d in chunk:
                args += (d.dedup_id, d.message_id, _number(d.expires))
            self._run(lambda w, r, a=args: w.script(
                'transfer_dedup_import', qkeys, a))
