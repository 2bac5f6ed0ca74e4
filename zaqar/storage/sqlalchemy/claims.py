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

"""Claims: a row per claim plus ``claim_id``/``claim_expires`` on its messages.

Creating a claim is one write transaction: read the queue's metadata, lock
the oldest claimable rows (``FOR UPDATE SKIP LOCKED`` where the database
has it, so concurrent consumers take disjoint batches without waiting on
each other), dead-letter those over the queue's claim limit, insert the
claim and stamp the rest.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from zaqar.storage import base, errors, models
from zaqar.storage.sqlalchemy import engine, sql, tables
from zaqar.storage.sqlalchemy import messages as messages_mod

Q = tables.queues
M = tables.messages
C = tables.claims

_QUEUE = sa.select(Q.c.id, Q.c.metadata).where(
    Q.c.project == sa.bindparam('b_project'),
    Q.c.name == sa.bindparam('b_queue'), sql.IS_QUEUE)

_INSERT = C.insert()

# What a queue name may be (the API's rule).
_QUEUE_NAME = re.compile(r'^[a-zA-Z0-9_.-]{1,64}$')


def _raised(column: sa.ColumnElement) -> sa.ColumnElement:
    """``max(column, :floor)``, spelled portably."""
    floor = sa.bindparam('floor')
    return sa.case((column < floor, floor), else_=column)


_STAMP = M.update().where(
    M.c.seq.in_(sa.bindparam('seqs', expanding=True))).values(
    claim_id=sa.bindparam('b_claim_id'),
    claim_expires=sa.bindparam('b_claim_expires'),
    claim_count=M.c.claim_count + 1,
    expires=_raised(M.c.expires))

_GET = sa.select(C.c.ttl, C.c.created).where(
    C.c.id == sa.bindparam('b_claim_id'),
    C.c.queue_id == sql.QUEUE_ID_SUBQUERY,
    C.c.expires > sa.bindparam('now'))

_MESSAGES = sa.select(*sql.MESSAGE_COLUMNS).where(
    M.c.claim_id == sa.bindparam('b_claim_id'),
    M.c.claim_expires > sa.bindparam('now'),
    M.c.expires > sa.bindparam('now')).order_by(M.c.seq)

_RENEW = C.update().where(
    C.c.id == sa.bindparam('b_claim_id'),
    C.c.queue_id == sql.QUEUE_ID_SUBQUERY,
    C.c.expires > sa.bindparam('now')).values(
    ttl=sa.bindparam('b_ttl'), created=sa.bindparam('now'),
    expires=sa.bindparam('b_claim_expires'))

_RESTAMP = M.update().where(
    M.c.claim_id == sa.bindparam('b_claim_id')).values(
    claim_expires=sa.bindparam('b_claim_expires'),
    expires=_raised(M.c.expires))

_DELETE = C.delete().where(
    C.c.id == sa.bindparam('b_claim_id'),
    C.c.queue_id == sql.QUEUE_ID_SUBQUERY)

_RELEASE = M.update().where(
    M.c.claim_id == sa.bindparam('b_claim_id')).values(
    claim_id=None, claim_expires=None)

_DELETE_SEQS = M.delete().where(
    M.c.seq.in_(sa.bindparam('seqs', expanding=True)))


def _dead_letter_policy(metadata: dict) -> tuple[int, str, int | None] | None:
    """(max claim count, target queue, moved ttl) when dead-lettering is on.

    The API does not validate the target's name; one that could not name a
    queue turns dead-lettering off rather than failing every claim.
    """
    limit = metadata.get('_max_claim_count')
    target = metadata.get('_dead_letter_queue')
    if (limit is None or not isinstance(target, str)
            or not _QUEUE_NAME.match(target)):
        return None
    try:
        limit = int(limit)
        ttl = metadata.get('_dead_letter_queue_messages_ttl')
        ttl = None if ttl is None else int(ttl)
    except (TypeError, ValueError):
        return None
    return limit, target, ttl


def _move(conn: sa.Connection, project: str, target: str, ttl: int | None,
          rows: list, when: float) -> None:
    """Re-append ``rows`` (same ids, unclaimed) at the end of ``target``."""
    target_id = sql.ensure_queue(conn, project, target, when)
    conn.execute(_DELETE_SEQS, {'seqs': [row.seq for row in rows]})
    conn.execute(M.insert(), [{
        'id': row.id,
        'queue_id': target_id,
        'body': row.body,
        'created': row.created,
        'expires': row.expires if ttl is None else when + ttl,
        'delay_until': row.delay_until,
        'client_uuid': row.client_uuid,
        'claim_count': row.claim_count,
        'checksum': row.checksum,
        'dedup_id': row.dedup_id,
        'msg_group': row.msg_group,
    } for row in rows])


class ClaimController(base.ClaimController):
    """Claims of one SQL database."""

    def __init__(self, db: engine.Database):
        self._db = db

    def create(self, queue: str, *, project: str, ttl: int, grace: int,
               limit: int = 10) -> models.Claimed:
        when = sql.now()
        project = sql.project_key(project)
        claim_id = messages_mod.new_id()
        claim_expires = when + ttl
        floor = claim_expires + grace

        def run(conn: sa.Connection) -> tuple[list, int]:
            """(rows claimed, how many were dead-lettered instead)."""
            found = conn.execute(_QUEUE, {'b_project': project,
                                          'b_queue': queue}).first()
            if found is None:
                return [], 0
            rows = conn.execute(messages_mod.CLAIMABLE, {
                'queue_id': found.id, 'now': when, 'limit': limit}).all()
            if not rows:
                return [], 0
            moved = 0
            policy = _dead_letter_policy(sql.loads(found.metadata))
            if policy is not None:
                max_count, target, moved_ttl = policy
                dead = [row for row in rows if row.claim_count >= max_count]
                if dead:
                    _move(conn, project, target, moved_ttl, dead, when)
                    moved = len(dead)
                    rows = [row for row in rows
                            if row.claim_count < max_count]
                    if not rows:
                        return [], moved
            conn.execute(_INSERT, {
                'id': claim_id, 'queue_id': found.id, 'ttl': ttl,
                'created': when, 'expires': claim_expires})
            conn.execute(_STAMP, {
                'seqs': [row.seq for row in rows], 'b_claim_id': claim_id,
                'b_claim_expires': claim_expires, 'floor': floor})
            return rows, moved

        rows, moved = self._db.write(run)
        if not rows:
            return models.Claimed(None, [], moved)
        return models.Claimed(claim_id, [models.Message(
            id=row.id,
            body=sql.loads(row.body),
            ttl=round(max(row.expires, floor) - row.created),
            age=max(0, int(when - row.created)),
            created=row.created,
            claim_id=claim_id,
            claim_count=row.claim_count + 1,
            checksum=row.checksum,
            dedup_id=row.dedup_id,
            group=row.msg_group,
        ) for row in rows], moved)

    def get(self, queue: str, claim_id: str, *,
            project: str) -> models.Claim:
        if not messages_mod.valid_id(claim_id):
            raise errors.ClaimDoesNotExist(claim_id, queue, project)
        when = sql.now()
        params = {'b_project': sql.project_key(project), 'b_queue': queue,
                  'b_claim_id': claim_id, 'now': when}

        def run(conn: sa.Connection):
            claim = conn.execute(_GET, params).first()
            if claim is None:
                return None, []
            return claim, conn.execute(_MESSAGES, params).all()

        claim, rows = self._db.read(run)
        if claim is None:
            raise errors.ClaimDoesNotExist(claim_id, queue, project)
        return models.Claim(
            id=claim_id, ttl=claim.ttl,
            age=max(0, int(when - claim.created)),
            messages=tuple(sql.message(row, when) for row in rows))

    def update(self, queue: str, claim_id: str, *, project: str, ttl: int,
               grace: int) -> None:
        if not messages_mod.valid_id(claim_id):
            raise errors.ClaimDoesNotExist(claim_id, queue, project)
        when = sql.now()
        params = {'b_project': sql.project_key(project), 'b_queue': queue,
                  'b_claim_id': claim_id, 'now': when, 'b_ttl': ttl,
                  'b_claim_expires': when + ttl, 'floor': when + ttl + grace}

        def run(conn: sa.Connection) -> bool:
            if not conn.execute(_RENEW, params).rowcount:
                return False
            conn.execute(_RESTAMP, params)
            return True

        if not self._db.write(run):
            raise errors.ClaimDoesNotExist(claim_id, queue, project)

    def delete(self, queue: str, claim_id: str, *, project: str) -> None:
        if not messages_mod.valid_id(claim_id):
            return
        params = {'b_project': sql.project_key(project), 'b_queue': queue,
                  'b_claim_id': claim_id}

        def run(conn: sa.Connection) -> None:
            if conn.execute(_DELETE, params).rowcount:
                conn.execute(_RELEASE, params)

        self._db.write(run)
