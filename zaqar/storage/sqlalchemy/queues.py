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

"""Queue records: one row per project + name, metadata as JSON text."""

from __future__ import annotations

import functools

import sqlalchemy as sa

from zaqar.storage import base, errors, models
from zaqar.storage.sqlalchemy import delivery, engine, sql, tables

Q = tables.queues
M = tables.messages
S = tables.subscriptions

_BY_NAME = sa.and_(Q.c.project == sa.bindparam('b_project'),
                   Q.c.scope == sa.bindparam('b_scope'),
                   Q.c.name == sa.bindparam('b_queue'))

_GET_METADATA = sa.select(Q.c.metadata).where(_BY_NAME)
_SET_METADATA = Q.update().where(_BY_NAME).values(
    metadata=sa.bindparam('metadata'))
_EXISTS = sa.select(Q.c.id).where(_BY_NAME)
# Messages and claims go with the queue row (ON DELETE CASCADE).
_DELETE = Q.delete().where(_BY_NAME)
_DELETE_SUBSCRIPTIONS = S.delete().where(
    S.c.project == sa.bindparam('b_project'),
    S.c.scope == sa.bindparam('b_scope'),
    S.c.queue == sa.bindparam('b_queue'))
# A topic's pending deliveries go with it (a queue's stay for the
# notifier to drop, as they always did).
_DELETE_DELIVERIES = delivery.deliveries.delete().where(
    delivery.deliveries.c.project == sa.bindparam('b_project'),
    delivery.deliveries.c.scope == sa.bindparam('b_scope'),
    delivery.deliveries.c.queue == sa.bindparam('b_queue'))

# By queue id value, not subquery: see messages._list_statement.
_LIVE = sa.and_(M.c.queue_id == sa.bindparam('queue_id'),
                M.c.expires > sa.bindparam('now'))
_CLAIMED = sa.and_(M.c.claim_id.is_not(None),
                   M.c.claim_expires > sa.bindparam('now'))
_STATS = sql.by_queue_index(sa.select(
    sa.func.count(),
    sa.func.coalesce(sa.func.sum(sa.case((_CLAIMED, 1), else_=0)), 0),
    sa.func.min(M.c.seq),
    sa.func.max(M.c.seq),
).select_from(M).where(_LIVE))
_STAMPS = sa.select(M.c.seq, M.c.id, M.c.created).where(
    M.c.seq.in_(sa.bindparam('seqs', expanding=True)))


def _contains(column: sa.ColumnElement, dialect: str) -> sa.ColumnElement:
    """Case-sensitive substring test with no LIKE wildcards to escape.

    SQLite's LIKE ignores ASCII case, so use instr()/strpos(), which compare
    bytes (MySQL's instr() follows the column's binary collation).
    """
    needle = sa.bindparam('name_filter')
    if dialect == 'postgresql':
        return sa.func.strpos(column, needle) > 0
    return sa.func.instr(column, needle) > 0


def _filtered(stmt: sa.Select, dialect: str, marker: bool,
              name: bool) -> sa.Select:
    stmt = stmt.where(Q.c.project == sa.bindparam('b_project'),
                      Q.c.scope == sa.bindparam('b_scope'))
    if marker:
        stmt = stmt.where(Q.c.name > sa.bindparam('marker'))
    if name:
        stmt = stmt.where(_contains(Q.c.name, dialect))
    return stmt


@functools.cache
def _list_statement(dialect: str, detailed: bool, marker: bool,
                    name: bool) -> sa.Select:
    columns = (Q.c.name, Q.c.metadata) if detailed else (Q.c.name,)
    stmt = _filtered(sa.select(*columns), dialect, marker, name)
    return stmt.order_by(Q.c.name).limit(sa.bindparam('limit'))


@functools.cache
def _count_statement(dialect: str, name: bool) -> sa.Select:
    return _filtered(sa.select(sa.func.count()), dialect, False, name)


class QueueController(base.QueueController):
    """Queues of one SQL database."""

    def __init__(self, db: engine.Database):
        self._db = db
        self._dialect = db.engine.dialect.name

    def create(self, name: str, *, project: str, scope: str = base.QUEUE,
               metadata: dict | None = None) -> bool:
        values = {'project': sql.project_key(project), 'scope': scope,
                  'name': name,
                  'metadata': sql.dumps(metadata or {}),
                  'created': sql.now()}
        return self._db.write(
            lambda conn: sql.insert_ignoring_conflict(conn, Q, values))

    def get_metadata(self, name: str, *, project: str,
                     scope: str = base.QUEUE) -> dict:
        params = {'b_project': sql.project_key(project), 'b_scope': scope,
                  'b_queue': name}
        text = self._db.read(
            lambda conn: conn.execute(_GET_METADATA, params).scalar())
        if text is None:
            raise errors.QueueDoesNotExist(name, project)
        return sql.loads(text)

    def set_metadata(self, name: str, metadata: dict, *,
                     project: str, scope: str = base.QUEUE) -> None:
        params = {'b_project': sql.project_key(project), 'b_scope': scope,
                  'b_queue': name,
                  'metadata': sql.dumps(metadata)}
        changed = self._db.write(
            lambda conn: conn.execute(_SET_METADATA, params).rowcount)
        if not changed:
            raise errors.QueueDoesNotExist(name, project)

    def exists(self, name: str, *, project: str,
               scope: str = base.QUEUE) -> bool:
        params = {'b_project': sql.project_key(project), 'b_scope': scope,
                  'b_queue': name}
        return self._db.read(
            lambda conn: conn.execute(_EXISTS, params).first()) is not None

    def delete(self, name: str, *, project: str,
               scope: str = base.QUEUE) -> None:
        params = {'b_project': sql.project_key(project), 'b_scope': scope,
                  'b_queue': name}

        def run(conn: sa.Connection) -> None:
            conn.execute(_DELETE, params)
            conn.execute(_DELETE_SUBSCRIPTIONS, params)
            if scope == base.TOPIC:
                conn.execute(_DELETE_DELIVERIES, params)

        self._db.write(run)

    def list(self, *, project: str, scope: str = base.QUEUE,
             marker: str | None = None, limit: int = 10,
             detailed: bool = False, name: str | None = None
             ) -> tuple[list[models.Queue], str | None]:
        stmt = _list_statement(self._dialect, detailed, marker is not None,
                               bool(name))
        params = {'b_project': sql.project_key(project), 'b_scope': scope,
                  'marker': marker,
                  'name_filter': name, 'limit': limit}
        rows = self._db.read(
            lambda conn: conn.execute(stmt, params).all())
        queues = [models.Queue(row.name,
                               sql.loads(row.metadata) if detailed else None)
                  for row in rows]
        return queues, (queues[-1].name if queues else None)

    def count(self, *, project: str, scope: str = base.QUEUE,
              name: str | None = None) -> int:
        stmt = _count_statement(self._dialect, bool(name))
        params = {'b_project': sql.project_key(project), 'b_scope': scope,
                  'name_filter': name}
        return self._db.read(lambda conn: conn.execute(stmt, params).scalar())

    def stats(self, name: str, *, project: str,
              scope: str = base.QUEUE) -> models.QueueStats:
        if scope != base.QUEUE:
            return models.QueueStats()  # topics keep no messages
        when = sql.now()
        params = {'b_project': sql.project_key(project), 'b_queue': name,
                  'now': when}

        def run(conn: sa.Connection):
            params['queue_id'] = sql.queue_id(conn, params['b_project'],
                                              name)
            if params['queue_id'] is None:
                return 0, 0, None, None
            total, claimed, first, last = conn.execute(_STATS, params).one()
            stamps = {}
            if total:
                rows = conn.execute(_STAMPS, {'seqs': [first, last]})
                stamps = {row.seq: row for row in rows}
            return total, claimed, stamps.get(first), stamps.get(last)

        total, claimed, oldest, newest = self._db.read(run)
        if not total:
            return models.QueueStats()
        return models.QueueStats(
            claimed=int(claimed), free=int(total - claimed),
            oldest=_stamp(oldest, when), newest=_stamp(newest, when))


def _stamp(row, when: float) -> models.MessageStamp | None:
    if row is None:
        return None
    return models.MessageStamp(id=row.id, created=row.created,
                               age=max(0, int(when - row.created)))
