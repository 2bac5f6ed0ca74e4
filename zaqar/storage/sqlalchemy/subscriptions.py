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

"""Subscriptions, unique per project + queue name + subscriber URI.

Uniqueness is enforced by the database on a hash of the URI (URIs can be
longer than an index key may be). An expired row keeps its key until gc
removes it, so writes that claim a key first delete an expired holder.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

from zaqar.storage import base, errors, models
from zaqar.storage.sqlalchemy import engine, sql, tables
from zaqar.storage.sqlalchemy import messages as messages_mod

S = tables.subscriptions

_COLUMNS = (S.c.id, S.c.queue, S.c.subscriber, S.c.ttl, S.c.options,
            S.c.created, S.c.confirmed)

_IN_QUEUE = sa.and_(S.c.project == sa.bindparam('b_project'),
                    S.c.scope == sa.bindparam('b_scope'),
                    S.c.queue == sa.bindparam('b_queue'))
_LIVE = S.c.expires > sa.bindparam('now')

_GET = sa.select(*_COLUMNS).where(
    _IN_QUEUE, S.c.id == sa.bindparam('b_id'), _LIVE)

_BY_SUBSCRIBER = sa.select(*_COLUMNS).where(
    _IN_QUEUE, S.c.subscriber_hash == sa.bindparam('hash'), _LIVE)

_DELETE_EXPIRED_HOLDER = S.delete().where(
    _IN_QUEUE, S.c.subscriber_hash == sa.bindparam('hash'),
    S.c.expires <= sa.bindparam('now'))

_LIST = sa.select(*_COLUMNS).where(_IN_QUEUE, _LIVE).order_by(
    S.c.id).limit(sa.bindparam('limit'))
_LIST_AFTER = _LIST.where(S.c.id > sa.bindparam('marker'))

_CONFIRM = S.update().where(
    _IN_QUEUE, S.c.id == sa.bindparam('b_id'), _LIVE).values(
    confirmed=sa.bindparam('confirmed'))

_DELETE = S.delete().where(_IN_QUEUE, S.c.id == sa.bindparam('b_id'))


def _hash(subscriber: str) -> str:
    return hashlib.sha256(subscriber.encode('utf-8', 'surrogatepass')
                          ).hexdigest()


def _model(row, when: float) -> models.Subscription:
    return models.Subscription(
        id=row.id, source=row.queue, subscriber=row.subscriber,
        ttl=row.ttl, age=max(0, int(when - row.created)),
        options=sql.loads(row.options), confirmed=bool(row.confirmed))


class SubscriptionController(base.SubscriptionController):
    """Subscriptions of one SQL database."""

    def __init__(self, db: engine.Database):
        self._db = db

    def create(self, queue: str, subscriber: str, ttl: int, options: dict, *,
               project: str, scope: str = base.QUEUE) -> str:
        when = sql.now()
        values = {
            'id': messages_mod.new_id(),
            'project': sql.project_key(project),
            'scope': scope,
            'queue': queue,
            'subscriber': subscriber,
            'subscriber_hash': _hash(subscriber),
            'ttl': ttl,
            'options': sql.dumps(options or {}),
            'created': when,
            'expires': when + ttl,
            'confirmed': False,
        }
        keys = {'b_project': values['project'], 'b_queue': queue,
                'b_scope': scope, 'hash': values['subscriber_hash'], 'now': when}

        def run(conn: sa.Connection) -> bool:
            conn.execute(_DELETE_EXPIRED_HOLDER, keys)
            return sql.insert_ignoring_conflict(conn, S, values)

        if not self._db.write(run, conflict=errors.SubscriptionAlreadyExists):
            raise errors.SubscriptionAlreadyExists()
        return values['id']

    def get(self, queue: str, subscription_id: str, *,
            project: str, scope: str = base.QUEUE) -> models.Subscription:
        if not messages_mod.valid_id(subscription_id):
            raise errors.SubscriptionDoesNotExist(subscription_id)
        when = sql.now()
        params = {'b_project': sql.project_key(project), 'b_queue': queue, 'b_scope': scope,
                  'b_id': subscription_id, 'now': when}
        row = self._db.read(lambda conn: conn.execute(_GET, params).first())
        if row is None:
            raise errors.SubscriptionDoesNotExist(subscription_id)
        return _model(row, when)

    def get_with_subscriber(self, queue: str, subscriber: str, *,
                            project: str,
                            scope: str = base.QUEUE) -> models.Subscription | None:
        when = sql.now()
        params = {'b_project': sql.project_key(project), 'b_queue': queue, 'b_scope': scope,
                  'hash': _hash(subscriber), 'now': when}
        row = self._db.read(
            lambda conn: conn.execute(_BY_SUBSCRIBER, params).first())
        return None if row is None else _model(row, when)

    def list(self, queue: str, *, project: str,
             scope: str = base.QUEUE, marker: str | None = None,
             limit: int = 10
             ) -> tuple[list[models.Subscription], str | None]:
        when = sql.now()
        params = {'b_project': sql.project_key(project), 'b_queue': queue, 'b_scope': scope,
                  'now': when, 'limit': limit, 'marker': marker}
        stmt = _LIST if marker is None else _LIST_AFTER
        rows = self._db.read(lambda conn: conn.execute(stmt, params).all())
        subs = [_model(row, when) for row in rows]
        return subs, (subs[-1].id if subs else None)

    def update(self, queue: str, subscription_id: str, *, project: str,
               scope: str = base.QUEUE,
               subscriber: str | None = None, ttl: int | None = None,
               options: dict | None = None) -> None:
        if not messages_mod.valid_id(subscription_id):
            raise errors.SubscriptionDoesNotExist(subscription_id)
        when = sql.now()
        project = sql.project_key(project)
        changes: dict = {}
        if subscriber is not None:
            changes['subscriber'] = subscriber
            changes['subscriber_hash'] = _hash(subscriber)
        if ttl is not None:
            changes.update(ttl=ttl, created=when, expires=when + ttl)
        if options is not None:
            changes['options'] = sql.dumps(options)
        params = {'b_project': project, 'b_queue': queue, 'b_scope': scope,
                  'b_id': subscription_id, 'now': when}

        def run(conn: sa.Connection) -> None:
            current = conn.execute(_GET, params).first()
            if current is None:
                raise errors.SubscriptionDoesNotExist(subscription_id)
            if 'subscriber_hash' in changes and (
                    changes['subscriber'] != current.subscriber):
                keys = dict(params, hash=changes['subscriber_hash'])
                if conn.execute(_BY_SUBSCRIBER, keys).first() is not None:
                    raise errors.SubscriptionAlreadyExists()
                conn.execute(_DELETE_EXPIRED_HOLDER, keys)
            if changes:
                conn.execute(S.update().where(
                    _IN_QUEUE, S.c.id == sa.bindparam('b_id')).values(
                    **changes), params)

        self._db.write(run, conflict=errors.SubscriptionAlreadyExists)

    def confirm(self, queue: str, subscription_id: str, confirmed: bool, *,
                project: str, scope: str = base.QUEUE) -> None:
        if not messages_mod.valid_id(subscription_id):
            raise errors.SubscriptionDoesNotExist(subscription_id)
        params = {'b_project': sql.project_key(project), 'b_queue': queue, 'b_scope': scope,
                  'b_id': subscription_id, 'now': sql.now(),
                  'confirmed': bool(confirmed)}
        changed = self._db.write(
            lambda conn: conn.execute(_CONFIRM, params).rowcount)
        if not changed:
            raise errors.SubscriptionDoesNotExist(subscription_id)

    def delete(self, queue: str, subscription_id: str, *,
               project: str, scope: str = base.QUEUE) -> None:
        if not messages_mod.valid_id(subscription_id):
            return
        params = {'b_project': sql.project_key(project), 'b_queue': queue, 'b_scope': scope,
                  'b_id': subscription_id}
        self._db.write(lambda conn: conn.execute(_DELETE, params))
