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

"""Statement pieces the controllers share: queue lookups, upserts, row mapping.

Statements are built once at import with named bind parameters so that
SQLAlchemy's compiled cache serves every later call.
"""

from __future__ import annotations

import json
import time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from zaqar.storage import models, scope
from zaqar.storage.sqlalchemy import tables

Q = tables.queues
M = tables.messages

# Messages and claims belong to queues only (topics keep none).
IS_QUEUE = Q.c.scope == scope.QUEUE

# The queue row id for (:project, :queue).
QUEUE_ID = sa.select(Q.c.id).where(
    Q.c.project == sa.bindparam('b_project'),
    Q.c.name == sa.bindparam('b_queue'), IS_QUEUE)

# Same, as a scalar subquery for read statements.
QUEUE_ID_SUBQUERY = QUEUE_ID.scalar_subquery()

# Columns a Message is built from.
MESSAGE_COLUMNS = (M.c.seq, M.c.id, M.c.body, M.c.created, M.c.expires,
                   M.c.claim_id, M.c.claim_expires, M.c.claim_count,
                   M.c.checksum, M.c.dedup_id, M.c.msg_group)


def in_queue_order(stmt: sa.Select) -> sa.Select:
    """Page through one queue's messages along ``(queue_id, seq)``.

    Ordering by ``queue_id, seq`` (the same order, queue_id being fixed)
    lets only that index deliver rows presorted: PostgreSQL otherwise may
    walk the primary key of the whole table when it cannot tell how big
    the queue is. MariaDB/MySQL get a hint: left to itself MariaDB may pick
    the ``expires`` index and sort, which under ``FOR UPDATE`` locks every
    live message of the queue rather than the page it returns, so
    concurrent claimers find nothing to claim.
    """
    return by_queue_index(stmt.order_by(M.c.queue_id, M.c.seq))


def by_queue_index(stmt: sa.Select) -> sa.Select:
    """Hint MariaDB/MySQL to read a queue's messages by ``(queue_id, seq)``."""
    for dialect in tables.MYSQL_DIALECTS:
        stmt = stmt.with_hint(M, 'FORCE INDEX (ix_messages_queue_seq)',
                              dialect)
    return stmt


def now() -> float:
    """Wall-clock epoch seconds (looked up at call time so tests can patch)."""
    return time.time()


def project_key(project: str | None) -> str:
    """Projects are stored as strings; a missing project is the empty one."""
    return project or ''


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(',', ':'), ensure_ascii=False)


def loads(text: str) -> Any:
    return json.loads(text)


def queue_id(conn: sa.Connection, project: str, queue: str) -> int | None:
    """The row id of a queue, or None."""
    return conn.execute(QUEUE_ID, {'b_project': project,
                                   'b_queue': queue}).scalar()


def insert_ignoring_conflict(conn: sa.Connection, table: sa.Table,
                             values: dict) -> bool:
    """INSERT one row unless a unique key already holds it; True if added.

    Never raises IntegrityError for the duplicate, which on PostgreSQL would
    abort the whole transaction.
    """
    name = conn.dialect.name
    if name in ('postgresql', 'sqlite'):
        dialect = postgresql if name == 'postgresql' else sqlite
        # RETURNING, not rowcount: with an implicit RETURNING (psycopg 3)
        # the driver reports rowcount -1 for a single-row INSERT.
        stmt = (dialect.insert(table).on_conflict_do_nothing()
                .returning(*table.primary_key.columns))
        return conn.execute(stmt, values).first() is not None
    stmt = table.insert().prefix_with('IGNORE')
    return conn.execute(stmt, values).rowcount == 1


def ensure_queue(conn: sa.Connection, project: str, queue: str,
                 when: float) -> int:
    """A queue's row id, creating the record (empty metadata) if absent."""
    qid = queue_id(conn, project, queue)
    if qid is None:
        insert_ignoring_conflict(conn, Q, {
            'project': project, 'scope': scope.QUEUE, 'name': queue,
            'metadata': '{}', 'created': when})
        qid = queue_id(conn, project, queue)
    return qid


def claim_is_live(claim_id: str | None, claim_expires: float | None,
                  when: float) -> bool:
    return (claim_id is not None and claim_expires is not None
            and claim_expires > when)


def message(row: Any, when: float) -> models.Message:
    """A Message from a row holding MESSAGE_COLUMNS."""
    live = claim_is_live(row.claim_id, row.claim_expires, when)
    return models.Message(
        id=row.id,
        body=loads(row.body),
        ttl=round(row.expires - row.created),
        age=max(0, int(when - row.created)),
        created=row.created,
        claim_id=row.claim_id if live else None,
        claim_count=row.claim_count,
        checksum=row.checksum,
        dedup_id=row.dedup_id,
        group=row.msg_group,
    )


def group_head(when_param: str = 'now') -> sa.ColumnElement[bool]:
    """Messages without a group, or the oldest live message of theirs.

    Decided by existence alone (an earlier live row of the group, free,
    claimed or delayed, holds the later ones back), so two transactions
    claiming at once never both see a later message as the head.
    """
    earlier = M.alias('earlier')
    return sa.or_(M.c.msg_group.is_(None), ~sa.exists().where(
        earlier.c.queue_id == M.c.queue_id,
        earlier.c.msg_group == M.c.msg_group,
        earlier.c.seq < M.c.seq,
        earlier.c.expires > sa.bindparam(when_param)))


def unclaimed(when_param: str = 'now') -> sa.ColumnElement[bool]:
    """Messages free of a live claim."""
    return sa.or_(M.c.claim_id.is_(None),
                  M.c.claim_expires <= sa.bindparam(when_param))
