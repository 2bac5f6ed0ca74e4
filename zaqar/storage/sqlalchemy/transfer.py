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

Imported messages that are new to the queue go *before* its first message:
they take negative ``seq`` values below the smallest of the whole table
(seq is unique table-wide), counting down, so a move copying batches from the
source's tail keeps FIFO order. Two concurrent imports into one database
may pick the same values; the loser's transaction fails on the primary
key and is run again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlalchemy as sa

from zaqar.storage import errors, transfer
from zaqar.storage.sqlalchemy import engine, sql, tables

M = tables.messages
C = tables.claims
D = tables.message_dedup

_COLUMNS = (M.c.seq, M.c.id, M.c.body, M.c.created, M.c.expires,
            M.c.delay_until, M.c.client_uuid, M.c.checksum, M.c.claim_id,
            M.c.claim_expires, M.c.claim_count, M.c.dedup_id,
            M.c.msg_group)

_TAIL = sa.select(*_COLUMNS).where(
    M.c.queue_id == sa.bindparam('queue_id'),
    M.c.expires > sa.bindparam('now')).order_by(
    M.c.queue_id.desc(), M.c.seq.desc()).limit(sa.bindparam('limit'))

_BY_IDS = sa.select(*_COLUMNS).where(
    M.c.queue_id == sa.bindparam('queue_id'),
    M.c.id.in_(sa.bindparam('ids', expanding=True))).order_by(M.c.seq)

_LOWEST = sa.select(sa.func.min(M.c.seq))

_UPDATE = M.update().where(M.c.seq == sa.bindparam('b_seq')).values(
    expires=sa.bindparam('b_expires'),
    delay_until=sa.bindparam('b_delay_until'),
    claim_id=sa.bindparam('b_claim_id'),
    claim_expires=sa.bindparam('b_claim_expires'),
    claim_count=sa.bindparam('b_claim_count'))

_RELEASE = M.update().where(
    M.c.queue_id == sa.bindparam('b_queue_id'),
    M.c.id == sa.bindparam('b_id')).values(
    delay_until=sa.bindparam('b_delay_until'))

_DELETE_SEQS = M.delete().where(
    M.c.seq.in_(sa.bindparam('seqs', expanding=True)))

_CLAIMS = sa.select(C.c.id, C.c.ttl, C.c.created, C.c.expires).where(
    C.c.queue_id == sa.bindparam('queue_id'),
    C.c.expires > sa.bindparam('now')).order_by(C.c.id)

_CLAIM_IDS = sa.select(C.c.id).where(
    C.c.id.in_(sa.bindparam('ids', expanding=True)))

_CLAIM_UPDATE = C.update().where(C.c.id == sa.bindparam('b_id')).values(
    queue_id=sa.bindparam('b_queue_id'), ttl=sa.bindparam('b_ttl'),
    created=sa.bindparam('b_created'), expires=sa.bindparam('b_expires'))

_DEDUP = sa.select(D.c.dedup_id, D.c.message_id, D.c.expires).where(
    D.c.queue_id == sa.bindparam('queue_id'),
    D.c.expires > sa.bindparam('now')).order_by(D.c.dedup_id)

_DEDUP_EXPIRED = D.delete().where(
    D.c.queue_id == sa.bindparam('queue_id'),
    D.c.dedup_id == sa.bindparam('dedup_id'),
    D.c.expires <= sa.bindparam('now'))

# Attempts at a prepend that lost its seq values to a concurrent one.
_ATTEMPTS = 5


class _SeqTaken(Exception):
    """A concurrent import took the same seq values."""


def _record(row, when: float) -> transfer.MessageRecord:
    live = sql.claim_is_live(row.claim_id, row.claim_expires, when)
    return transfer.MessageRecord(
        id=row.id, body=sql.loads(row.body), created=row.created,
        expires=row.expires, delay_until=row.delay_until,
        client_uuid=row.client_uuid, checksum=row.checksum,
        claim_id=row.claim_id if live else None,
        claim_expires=row.claim_expires if live else None,
        claim_count=row.claim_count, dedup_id=row.dedup_id,
        group=row.msg_group)


def _state(record: transfer.MessageRecord) -> dict:
    return {'b_expires': record.expires,
            'b_delay_until': record.delay_until,
            'b_claim_id': record.claim_id,
            'b_claim_expires': record.claim_expires,
            'b_claim_count': record.claim_count}


class TransferController(transfer.TransferController):
    """Record-level access to one SQL database's queues."""

    def __init__(self, db: engine.Database):
        self._db = db

    def _read(self, queue: str, project: str, statement,
              params: dict) -> list:
        """The rows of ``statement`` for the queue's row id (bound as
        ``queue_id``); none when the queue does not exist."""
        def run(conn: sa.Connection) -> list:
            qid = sql.queue_id(conn, sql.project_key(project), queue)
            if qid is None:
                return []
            return conn.execute(statement, {**params,
                                            'queue_id': qid}).all()

        return self._db.read(run)

    def export_tail(self, queue: str, *, project: str,
                    limit: int) -> list[transfer.MessageRecord]:
        when = sql.now()
        rows = self._read(queue, project, _TAIL, {'now': when,
                                                  'limit': limit})
        return [_record(row, when) for row in reversed(rows)]

    def fetch(self, queue: str, message_ids: Iterable[str], *,
              project: str) -> list[transfer.MessageRecord]:
        ids = list(dict.fromkeys(message_ids))
        if not ids:
            return []
        when = sql.now()
        return [_record(row, when) for row in self._read(
            queue, project, _BY_IDS, {'ids': ids}) if row.expires > when]

    def import_messages(self, queue: str,
                        records: Sequence[transfer.MessageRecord], *,
                        project: str) -> None:
        if not records:
            return
        project = sql.project_key(project)

        def run(conn: sa.Connection) -> None:
            qid = sql.ensure_queue(conn, project, queue, sql.now())
            held = {row.id: row.seq for row in conn.execute(
                _BY_IDS, {'queue_id': qid,
                          'ids': [r.id for r in records]}).all()}
            for record in records:
                if record.id in held:
                    conn.execute(_UPDATE, dict(_state(record),
                                               b_seq=held[record.id]))
            new = [r for r in records if r.id not in held]
            if not new:
                return
            lowest = conn.execute(_LOWEST).scalar()
            # Never 0: MariaDB/MySQL read an explicit 0 as "next value".
            first = min(lowest if lowest is not None else 0, 0) - len(new)
            conn.execute(M.insert(), [{
                'seq': first + offset, 'id': record.id, 'queue_id': qid,
                'body': sql.dumps(record.body), 'created': record.created,
                'expires': record.expires,
                'delay_until': record.delay_until,
                'client_uuid': record.client_uuid,
                'claim_id': record.claim_id,
                'claim_expires': record.claim_expires,
                'claim_count': record.claim_count,
                'checksum': record.checksum,
                'dedup_id': record.dedup_id,
                'msg_group': record.group,
            } for offset, record in enumerate(new)])

        for attempt in range(_ATTEMPTS):
            try:
                self._db.write(run, conflict=_SeqTaken)
                return
            except _SeqTaken:
                if attempt == _ATTEMPTS - 1:
                    raise errors.StorageUnavailable(
                        'Concurrent imports kept colliding') from None

    def release(self, queue: str, records: Sequence[transfer.MessageRecord],
                *, project: str) -> None:
        if not records:
            return

        def run(conn: sa.Connection) -> None:
            qid = sql.queue_id(conn, sql.project_key(project), queue)
            if qid is not None:
                conn.execute(_RELEASE, [
                    {'b_queue_id': qid, 'b_id': r.id,
                     'b_delay_until': r.delay_until} for r in records])

        self._db.write(run)

    def remove_unchanged(self, queue: str,
                         records: Sequence[transfer.MessageRecord], *,
                         project: str) -> list[str]:
        expected = {r.id: r for r in records}
        if not expected:
            return []
        when = sql.now()

        def run(conn: sa.Connection) -> list[str]:
            qid = sql.queue_id(conn, sql.project_key(project), queue)
            if qid is None:
                return list(expected)
            rows = conn.execute(_BY_IDS.with_for_update(), {
                'queue_id': qid, 'ids': list(expected)}).all()
            same = [row for row in rows if row.expires > when
                    and expected[row.id].same_state(_record(row, when))]
            if same:
                conn.execute(_DELETE_SEQS, {'seqs': [r.seq for r in same]})
            removed = {row.id for row in same}
            return [i for i in expected if i not in removed]

        return self._db.write(run)

    def export_claims(self, queue: str, *,
                      project: str) -> list[transfer.ClaimRecord]:
        rows = self._read(queue, project, _CLAIMS, {'now': sql.now()})
        return [transfer.ClaimRecord(id=row.id, ttl=row.ttl,
                                     renewed=row.created,
                                     expires=row.expires) for row in rows]

    def import_claims(self, queue: str,
                      claims: Sequence[transfer.ClaimRecord], *,
                      project: str) -> None:
        if not claims:
            return
        project = sql.project_key(project)

        def run(conn: sa.Connection) -> None:
            qid = sql.ensure_queue(conn, project, queue, sql.now())
            known = set(conn.execute(_CLAIM_IDS, {
                'ids': [c.id for c in claims]}).scalars())
            for claim in claims:
                values = {'b_id': claim.id, 'b_queue_id': qid,
                          'b_ttl': claim.ttl, 'b_created': claim.renewed,
                          'b_expires': claim.expires}
                if claim.id in known:
                    conn.execute(_CLAIM_UPDATE, values)
                else:
                    conn.execute(C.insert(), {
                        'id': claim.id, 'queue_id': qid, 'ttl': claim.ttl,
                        'created': claim.renewed, 'expires': claim.expires})

        self._db.write(run)

    def export_dedup(self, queue: str, *, project: str,
                     dedup_ids: Iterable[str] | None = None
                     ) -> list[transfer.DedupRecord]:
        wanted = None if dedup_ids is None else list(dict.fromkeys(dedup_ids))
        if wanted == []:
            return []
        stmt = _DEDUP
        if wanted is not None:
            stmt = stmt.where(D.c.dedup_id.in_(wanted))
        return [transfer.DedupRecord(row.dedup_id, row.message_id,
                                     row.expires)
                for row in self._read(queue, project, stmt,
                                      {'now': sql.now()})]

    def import_dedup(self, queue: str,
                     records: Sequence[transfer.DedupRecord], *,
                     project: str) -> None:
        when = sql.now()
        live = [r for r in records if r.expires > when]
        if not live:
            return
        project = sql.project_key(project)

        def run(conn: sa.Connection) -> None:
            qid = sql.ensure_queue(conn, project, queue, when)
            for record in live:
                # As a post does: forget an expired record, then insert
                # unless a live one (or a concurrent post's) holds the key.
                conn.execute(_DEDUP_EXPIRED, {'queue_id': qid,
                                              'dedup_id': record.dedup_id,
                                              'now': when})
                sql.insert_ignoring_conflict(conn, D, {
                    'queue_id': qid, 'dedup_id': record.dedup_id,
                    'message_id': record.message_id,
                    'expires': record.expires})

        self._db.write(run)
