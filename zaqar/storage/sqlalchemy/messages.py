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

"""Messages: rows ordered by ``seq``, which is also the opaque list marker.

A message is live while ``expires > now``, claimed while ``claim_id`` is set
and ``claim_expires > now``, delayed while ``delay_until > now``. Rows
selected to be changed are locked ``FOR UPDATE SKIP LOCKED`` on PostgreSQL
and MariaDB/MySQL; on SQLite the write transaction already holds the lock.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

import sqlalchemy as sa

from zaqar.common import ids as id_maker
from zaqar.storage import base, errors, models
from zaqar.storage.sqlalchemy import delivery, engine, sql, tables

M = tables.messages
C = tables.claims
D = tables.message_dedup

# Every id this driver hands out (messages, claims, subscriptions) is a
# canonical lowercase UUID; a queue moved here from MongoDB keeps its
# 24-hex ObjectId strings (zaqar.storage.transfer). Nothing else can name
# a row.
_ID_RE = re.compile(
    r'^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
    r'|[0-9a-f]{24})$')

_INSERT = M.insert()

# Largest seq a marker may name (BIGINT).
_SEQ_LIMIT = 2 ** 63 - 1

_GET = sa.select(*sql.MESSAGE_COLUMNS).where(
    M.c.queue_id == sql.QUEUE_ID_SUBQUERY,
    M.c.id == sa.bindparam('message_id'),
    M.c.expires > sa.bindparam('now'))

_BULK_GET = sa.select(*sql.MESSAGE_COLUMNS).where(
    M.c.queue_id == sql.QUEUE_ID_SUBQUERY,
    M.c.id.in_(sa.bindparam('ids', expanding=True)),
    M.c.expires > sa.bindparam('now')).order_by(M.c.seq)

_BY_ID = sa.and_(M.c.queue_id == sql.QUEUE_ID_SUBQUERY,
                M.c.id == sa.bindparam('message_id'))

# Delete an unclaimed message / one held by the given live claim.
_DELETE_FREE = M.delete().where(_BY_ID, sql.unclaimed())
_DELETE_HELD = M.delete().where(
    _BY_ID, M.c.claim_id == sa.bindparam('claim_id'),
    M.c.claim_expires > sa.bindparam('now'))

_INSPECT = sa.select(M.c.claim_id, M.c.claim_expires).where(
    _BY_ID, M.c.expires > sa.bindparam('now'))

_LIVE_CLAIM = sa.select(C.c.id).where(
    C.c.id == sa.bindparam('claim_id'),
    C.c.queue_id == sql.QUEUE_ID_SUBQUERY,
    C.c.expires > sa.bindparam('now'))

_DELETE_SEQS = M.delete().where(
    M.c.seq.in_(sa.bindparam('seqs', expanding=True)))

_BULK_DELETE = M.delete().where(
    M.c.queue_id == sql.QUEUE_ID_SUBQUERY,
    M.c.id.in_(sa.bindparam('ids', expanding=True)))

_BULK_DELETE_CLAIMED = _BULK_DELETE.where(
    M.c.claim_id.in_(sa.bindparam('claim_ids', expanding=True)),
    M.c.claim_expires > sa.bindparam('now'))

# Oldest messages that are live, unclaimed and not delayed, locked; of a
# FIFO group only its oldest live message (sql.group_head).
CLAIMABLE = sql.in_queue_order(sa.select(
    *sql.MESSAGE_COLUMNS, M.c.delay_until, M.c.client_uuid).where(
    M.c.queue_id == sa.bindparam('queue_id'),
    M.c.expires > sa.bindparam('now'),
    sql.unclaimed(),
    M.c.delay_until <= sa.bindparam('now'),
    sql.group_head(),
)).limit(sa.bindparam('limit')).with_for_update(skip_locked=True)

# Idempotent posts: forget an expired dedup record, then look one up.
_DEDUP_EXPIRED = D.delete().where(
    D.c.queue_id == sa.bindparam('queue_id'),
    D.c.dedup_id == sa.bindparam('dedup_id'),
    D.c.expires <= sa.bindparam('now'))
# A locking read: on MariaDB it sees the row a concurrent post committed
# after this transaction's snapshot (the one INSERT IGNORE gave way to).
_DEDUP_FIND = sa.select(D.c.message_id).where(
    D.c.queue_id == sa.bindparam('queue_id'),
    D.c.dedup_id == sa.bindparam('dedup_id')).with_for_update()


def valid_id(value: object) -> bool:
    """Whether ``value`` has the shape of an id this driver makes."""
    return isinstance(value, str) and _ID_RE.match(value) is not None


def new_id() -> str:
    return id_maker.uuid4()


def _parse_marker(marker: str | None) -> int | None:
    """The seq a marker designates; a malformed marker is ignored."""
    if marker is None:
        return None
    try:
        seq = int(str(marker), 10)
    except ValueError:
        return None
    # Keep within BIGINT: SQLite cannot even bind a larger integer.
    return max(-_SEQ_LIMIT, min(seq, _SEQ_LIMIT))


@functools.cache
def _list_statement(marker: bool, hide_client: bool, include_claimed: bool,
                    include_delayed: bool) -> sa.Select:
    # The queue id is looked up first and bound as a value: given a
    # subquery instead, PostgreSQL cannot tell a small queue from a big one
    # and may scan the whole table in seq order to find a small queue's page.
    stmt = sa.select(*sql.MESSAGE_COLUMNS).where(
        M.c.queue_id == sa.bindparam('queue_id'),
        M.c.expires > sa.bindparam('now'))
    if marker:
        stmt = stmt.where(M.c.seq > sa.bindparam('marker'))
    if hide_client:
        stmt = stmt.where(sa.or_(M.c.client_uuid.is_(None),
                                 M.c.client_uuid != sa.bindparam('client')))
    if not include_claimed:
        stmt = stmt.where(sql.unclaimed())
    if not include_delayed:
        stmt = stmt.where(M.c.delay_until <= sa.bindparam('now'))
    return sql.in_queue_order(stmt).limit(sa.bindparam('limit'))


def _deduplicate(conn: sa.Connection, qid: int, items: Sequence[dict],
                 rows: list[dict], when: float
                 ) -> tuple[list[dict], list[str]]:
    """(rows to insert, the ids to answer in input order).

    A message whose dedup_id is remembered is not inserted and answers
    with the original message's id; the first message with a new dedup_id
    is remembered for its queue's window. The dedup table's primary key
    settles concurrent posts: the loser's insert gives way (waiting for the
    winner's commit) and reads the winner's id. ``rows`` are not changed,
    so a retried transaction starts from the same input.
    """
    fresh, ids, seen = [], [], {}
    for item, row in zip(items, rows, strict=True):
        key, window = item.get('dedup_id'), item.get('dedup_window')
        if not window or key is None:
            fresh.append(row)
            ids.append(row['id'])
            continue
        if key not in seen:
            params = {'queue_id': qid, 'dedup_id': key, 'now': when}
            conn.execute(_DEDUP_EXPIRED, params)
            if sql.insert_ignoring_conflict(conn, D, {
                    'queue_id': qid, 'dedup_id': key,
                    'message_id': row['id'], 'expires': when + window}):
                fresh.append(row)
                seen[key] = row['id']
            else:
                seen[key] = conn.execute(_DEDUP_FIND, params).scalar_one()
        ids.append(seen[key])
    return fresh, ids


class MessageController(base.MessageController):
    """Messages of one SQL database."""

    def __init__(self, db: engine.Database,
                 outbox: base.DeliveryController | None = None):
        self._db = db
        # Told when a post enqueued deliveries (wakes local notifiers).
        self.outbox = outbox

    def post(self, queue: str, messages: Sequence[dict], *, project: str,
             client_uuid: str, traceparent: str | None = None) -> list[str]:
        when = sql.now()
        project = sql.project_key(project)
        client = None if client_uuid is None else str(client_uuid)
        rows = []
        for item in messages:
            rows.append({
                'id': new_id(),
                'queue_id': None,
                'body': sql.dumps(item.get('body')),
                'created': when,
                'expires': when + int(item.get('ttl', 3600)),
                'delay_until': when + int(item.get('delay') or 0),
                'client_uuid': client,
                'claim_count': 0,
                'checksum': item.get('checksum'),
                'dedup_id': item.get('dedup_id'),
                'msg_group': item.get('group'),
            })
        if not rows:
            return []
        deduped = any(item.get('dedup_window') for item in messages)

        def run(conn: sa.Connection) -> tuple[int, list[str]]:
            qid = sql.ensure_queue(conn, project, queue, when)
            for row in rows:
                row['queue_id'] = qid
            fresh, ids = rows, None
            if deduped:
                fresh, ids = _deduplicate(conn, qid, messages, rows, when)
            if fresh:
                conn.execute(_INSERT, fresh)
            if ids is None:
                ids = [row['id'] for row in rows]
            if not fresh:
                return 0, ids
            # Notifications commit (or roll back) with the messages.
            return delivery.enqueue_posted(conn, project, queue, fresh, when,
                                           traceparent), ids

        enqueued, ids = self._db.write(run)
        if enqueued and self.outbox is not None:
            self.outbox.activity.set()
        return ids

    def list(self, queue: str, *, project: str, marker: str | None = None,
             limit: int = 10, echo: bool = False,
             client_uuid: str | None = None,
             include_claimed: bool = False, include_delayed: bool = False
             ) -> tuple[list[models.Message], str | None]:
        when = sql.now()
        seq = _parse_marker(marker)
        hide_client = not echo and client_uuid is not None
        stmt = _list_statement(seq is not None, hide_client,
                               bool(include_claimed), bool(include_delayed))
        params = {'now': when, 'marker': seq, 'limit': limit,
                  'client': None if client_uuid is None else str(client_uuid)}
        project = sql.project_key(project)

        def run(conn: sa.Connection) -> list:
            params['queue_id'] = sql.queue_id(conn, project, queue)
            if params['queue_id'] is None:
                return []
            return conn.execute(stmt, params).all()

        rows = self._db.read(run)
        if not rows:
            return [], None
        return [sql.message(row, when) for row in rows], str(rows[-1].seq)

    def get(self, queue: str, message_id: str, *,
            project: str) -> models.Message:
        if not valid_id(message_id):
            raise errors.MessageDoesNotExist(message_id, queue, project)
        when = sql.now()
        params = {'b_project': sql.project_key(project), 'b_queue': queue,
                  'message_id': message_id, 'now': when}
        row = self._db.read(lambda conn: conn.execute(_GET, params).first())
        if row is None:
            raise errors.MessageDoesNotExist(message_id, queue, project)
        return sql.message(row, when)

    def bulk_get(self, queue: str, message_ids: Iterable[str], *,
                 project: str) -> list[models.Message]:
        ids = [mid for mid in dict.fromkeys(message_ids) if valid_id(mid)]
        if not ids:
            return []
        when = sql.now()
        params = {'b_project': sql.project_key(project), 'b_queue': queue,
                  'ids': ids, 'now': when}
        rows = self._db.read(
            lambda conn: conn.execute(_BULK_GET, params).all())
        return [sql.message(row, when) for row in rows]

    def delete(self, queue: str, message_id: str, *, project: str,
               claim_id: str | None = None) -> None:
        if not valid_id(message_id):
            return
        params = {'b_project': sql.project_key(project), 'b_queue': queue,
                  'message_id': message_id, 'claim_id': claim_id,
                  'now': sql.now()}
        held = claim_id is not None and valid_id(claim_id)

        def run(conn: sa.Connection) -> None:
            # Try the delete the caller is entitled to; only when it removes
            # nothing, look closer to find out why (or that it is a no-op).
            # A state that changed in between is simply tried again.
            for _ in range(3):
                if claim_id is None:
                    if conn.execute(_DELETE_FREE, params).rowcount:
                        return
                elif held and conn.execute(_DELETE_HELD, params).rowcount:
                    return
                row = conn.execute(_INSPECT, params).first()
                if row is None:
                    return
                claimed = sql.claim_is_live(row.claim_id, row.claim_expires,
                                            params['now'])
                if claim_id is None:
                    if claimed:
                        raise errors.MessageIsClaimed(message_id)
                    continue
                if not held or conn.execute(_LIVE_CLAIM,
                                            params).first() is None:
                    raise errors.ClaimDoesNotExist(claim_id, queue, project)
                if not claimed:
                    raise errors.MessageNotClaimed(message_id)
                if row.claim_id != claim_id:
                    raise errors.MessageNotClaimedBy(message_id, claim_id)
            raise errors.StorageUnavailable('The message kept changing')

        self._db.write(run)

    def bulk_delete(self, queue: str, message_ids: Iterable[str], *,
                    project: str,
                    claim_ids: Iterable[str] | None = None) -> None:
        ids = [mid for mid in dict.fromkeys(message_ids) if valid_id(mid)]
        if not ids:
            return
        params = {'b_project': sql.project_key(project), 'b_queue': queue,
                  'ids': ids, 'now': sql.now()}
        stmt = _BULK_DELETE
        if claim_ids is not None:
            params['claim_ids'] = [cid for cid in dict.fromkeys(claim_ids)
                                   if valid_id(cid)]
            if not params['claim_ids']:
                return
            stmt = _BULK_DELETE_CLAIMED
        self._db.write(lambda conn: conn.execute(stmt, params))

    def pop(self, queue: str, limit: int, *,
            project: str) -> list[models.Message]:
        when = sql.now()
        project = sql.project_key(project)

        def run(conn: sa.Connection) -> list:
            qid = sql.queue_id(conn, project, queue)
            if qid is None:
                return []
            rows = conn.execute(CLAIMABLE, {
                'queue_id': qid, 'now': when, 'limit': limit}).all()
            if rows:
                conn.execute(_DELETE_SEQS, {'seqs': [r.seq for r in rows]})
            return rows

        rows = self._db.write(run)
        return [sql.message(row, when) for row in rows]
