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

"""The notification outbox: a ``deliveries`` row per message and subscription.

``enqueue_posted`` runs inside the message post transaction, so a post and
its deliveries commit (or vanish) together. A delivery is due while
``due <= now``; leasing moves ``due`` to the lease end and stamps a token,
so a worker that dies just lets the lease run out. Leases lock rows ``FOR
UPDATE SKIP LOCKED`` (PostgreSQL, MariaDB/MySQL); on SQLite the write
transaction holds the lock. Idle polls read before they write, so an empty
outbox costs a cheap ``SELECT`` and never the SQLite write lock.

``subscription_state`` keeps each subscription's signing secret, trust id
and failure record; ``gc`` drops the rows of subscriptions that are gone.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

import sqlalchemy as sa

from zaqar.storage import base
from zaqar.storage.sqlalchemy import engine, sql, tables

# Longest error text kept with a delivery or a failure record.
ERROR_MAX = 1000

deliveries = sa.Table(
    'deliveries', tables.metadata,
    sa.Column('seq', tables.big_serial(), primary_key=True,
              autoincrement=True),
    sa.Column('project', tables.key_string(256), nullable=False),
    sa.Column('queue', tables.key_string(64), nullable=False),
    sa.Column('subscription_id', tables.key_string(64), nullable=False),
    sa.Column('kind', sa.String(16), nullable=False),
    sa.Column('payload', tables.json_text(), nullable=False),
    sa.Column('created', sa.Double, nullable=False),
    sa.Column('due', sa.Double, nullable=False),
    sa.Column('attempts', sa.Integer, nullable=False, default=0),
    sa.Column('lease', tables.key_string(36), nullable=True),
    sa.Column('last_error', sa.Text, nullable=True),
    tables.scope_column(),
    sa.Index('ix_deliveries_due', 'due'),
    sa.Index('ix_deliveries_scope_queue', 'project', 'scope', 'queue'),
    sqlite_autoincrement=True,
    **tables.MYSQL_TABLE_ARGS,
)

subscription_state = sa.Table(
    'subscription_state', tables.metadata,
    sa.Column('project', tables.key_string(256), primary_key=True),
    sa.Column('queue', tables.key_string(64), primary_key=True),
    sa.Column('subscription_id', tables.key_string(64), primary_key=True),
    sa.Column('secret', sa.String(128), nullable=True),
    sa.Column('trust_id', sa.String(255), nullable=True),
    sa.Column('failed', sa.Integer, nullable=False, default=0),
    sa.Column('last_error', sa.Text, nullable=True),
    sa.Column('last_failure_at', sa.Double, nullable=True),
    # Subscription ids are unique across scopes; kept to match on.
    tables.scope_column(),
    **tables.MYSQL_TABLE_ARGS,
)

D = deliveries
ST = subscription_state
S = tables.subscriptions

_COLUMNS = (D.c.seq, D.c.project, D.c.queue, D.c.subscription_id, D.c.kind,
            D.c.payload, D.c.created, D.c.attempts, D.c.lease,
            D.c.last_error, D.c.scope)

_LIVE_SUBSCRIPTIONS = sa.select(S.c.id).where(
    S.c.project == sa.bindparam('b_project'),
    S.c.scope == sa.bindparam('b_scope'),
    S.c.queue == sa.bindparam('b_queue'),
    S.c.expires > sa.bindparam('now')).order_by(S.c.id)

_ANY_DUE = sa.select(D.c.seq).where(D.c.due <= sa.bindparam('now')).limit(1)
_ANY_DUE_IN = _ANY_DUE.where(D.c.project == sa.bindparam('b_project'))

_PICK = sa.select(D.c.seq).where(D.c.due <= sa.bindparam('now')).order_by(
    D.c.due, D.c.seq).limit(sa.bindparam('limit')).with_for_update(
    skip_locked=True)
_PICK_IN = _PICK.where(D.c.project == sa.bindparam('b_project'))

_SEQS = D.c.seq.in_(sa.bindparam('seqs', expanding=True))
_STAMP = D.update().where(_SEQS).values(
    due=sa.bindparam('until'), lease=sa.bindparam('token'),
    attempts=D.c.attempts + 1)
_LEASED = sa.select(*_COLUMNS).where(_SEQS).order_by(D.c.seq)

_HELD = sa.and_(D.c.seq == sa.bindparam('b_seq'),
                D.c.lease == sa.bindparam('token'))
_COMPLETE = D.delete().where(_SEQS, D.c.lease == sa.bindparam('token'))
_RETRY = D.update().where(_HELD).values(
    due=sa.bindparam('at'), lease=None, last_error=sa.bindparam('error'))
_DROP = D.delete().where(_HELD)

_PENDING = sa.select(sa.func.count()).select_from(D).where(
    D.c.project == sa.bindparam('b_project'),
    D.c.scope == sa.bindparam('b_scope'),
    D.c.queue == sa.bindparam('b_queue'))

_STATE_KEY = sa.and_(ST.c.project == sa.bindparam('b_project'),
                     ST.c.scope == sa.bindparam('b_scope'),
                     ST.c.queue == sa.bindparam('b_queue'),
                     ST.c.subscription_id == sa.bindparam('b_sub'))
_STATE = sa.select(ST.c.secret, ST.c.trust_id, ST.c.failed,
                   ST.c.last_error, ST.c.last_failure_at).where(_STATE_KEY)
_COUNT_FAILURE = ST.update().where(_STATE_KEY).values(
    failed=ST.c.failed + 1, last_error=sa.bindparam('error'),
    last_failure_at=sa.bindparam('now'))

# State rows whose subscription is gone (deleted or swept).
_ORPHANS = ST.delete().where(~sa.exists().where(
    S.c.id == ST.c.subscription_id, S.c.project == ST.c.project,
    S.c.scope == ST.c.scope, S.c.queue == ST.c.queue))


def _error(text: str | None) -> str | None:
    return None if text is None else str(text)[:ERROR_MAX]


def message_payload(message_id: str, body_json: str, ttl: int,
                    checksum: str | None,
                    traceparent: str | None = None, *,
                    dedup_id: str | None = None,
                    group: str | None = None) -> str:
    """A message delivery's payload as JSON text (body already encoded)."""
    head = {'id': message_id, 'ttl': ttl}
    if checksum:
        head['checksum'] = checksum
    if dedup_id is not None:
        head['dedup_id'] = dedup_id
    if group is not None:
        head['group'] = group
    if traceparent:
        head['traceparent'] = traceparent
    return sql.dumps(head)[:-1] + ',"body":' + body_json + '}'


def enqueue_posted(conn: sa.Connection, project: str, queue: str,
                   rows: Sequence[dict], when: float,
                   traceparent: str | None = None, *,
                   scope: str = base.QUEUE) -> int:
    """Inside a post: a delivery per message row and live subscription.

    ``rows`` are the inserted ``messages`` rows; ``traceparent`` (the
    post's trace) goes into each payload. Returns how many deliveries
    were added.
    """
    subs = conn.execute(_LIVE_SUBSCRIPTIONS, {
        'b_project': project, 'b_scope': scope, 'b_queue': queue,
        'now': when}).scalars().all()
    if not subs:
        return 0
    items = []
    for row in rows:
        payload = message_payload(row['id'], row['body'],
                                  round(row['expires'] - row['created']),
                                  row.get('checksum'), traceparent,
                                  dedup_id=row.get('dedup_id'),
                                  group=row.get('msg_group'))
        for sub_id in subs:
            items.append({
                'project': project, 'scope': scope, 'queue': queue,
                'subscription_id': sub_id, 'kind': base.DELIVERY_MESSAGE, 'payload': payload,
                'created': when, 'due': row['delay_until'], 'attempts': 0})
    conn.execute(D.insert(), items)
    return len(items)


def gc(db: engine.Database) -> int:
    """Remove the state rows of subscriptions that no longer exist."""
    return max(db.write(lambda conn: conn.execute(_ORPHANS).rowcount), 0)


def _model(row) -> base.Delivery:
    return base.Delivery(
        id=str(row.seq), project=row.project, queue=row.queue,
        subscription_id=row.subscription_id, kind=row.kind,
        payload=sql.loads(row.payload), attempts=row.attempts,
        created=row.created, lease=row.lease or '',
        last_error=row.last_error, scope=row.scope)


def _seq(delivery: base.Delivery) -> int | None:
    try:
        return int(delivery.id)
    except ValueError:
        return None


class DeliveryController(base.DeliveryController):
    """The outbox of one SQL database."""

    def __init__(self, db: engine.Database):
        self._db = db

    def enqueue(self, queue: str, subscription_id: str, kind: str,
                payload: dict, *, project: str, scope: str = base.QUEUE,
                delay: float = 0) -> str:
        when = sql.now()
        values = {'project': sql.project_key(project), 'scope': scope,
                  'queue': queue,
                  'subscription_id': subscription_id, 'kind': kind,
                  'payload': sql.dumps(payload), 'created': when,
                  'due': when + delay, 'attempts': 0}
        seq = self._db.write(lambda conn: conn.execute(
            D.insert(), values).inserted_primary_key[0])
        self.activity.set()
        return str(seq)

    def fan_out(self, queue: str, messages: Sequence[dict], *,
                project: str, scope: str = base.QUEUE,
                traceparent: str | None = None) -> int:
        when = sql.now()
        rows = [{'id': m['id'], 'body': sql.dumps(m.get('body')),
                 'created': when, 'expires': when + int(m['ttl']),
                 'delay_until': when + int(m.get('delay') or 0),
                 'checksum': m.get('checksum')} for m in messages]
        project = sql.project_key(project)

        def run(conn: sa.Connection) -> int:
            if scope == base.TOPIC:
                # A topic post: the record and the deliveries in one
                # transaction.
                sql.insert_ignoring_conflict(conn, tables.queues, {
                    'project': project, 'scope': scope, 'name': queue,
                    'metadata': '{}', 'created': when})
            return enqueue_posted(conn, project, queue, rows, when,
                                  traceparent, scope=scope)

        count = self._db.write(run)
        if count:
            self.activity.set()
        return count

    def lease(self, limit: int, seconds: float, *,
              project: str | None = None) -> list[base.Delivery]:
        when = sql.now()
        params = {'now': when, 'limit': limit, 'until': when + seconds,
                  'token': str(uuid.uuid4()),
                  'b_project': sql.project_key(project)}
        probe = _ANY_DUE if project is None else _ANY_DUE_IN
        if self._db.read(lambda conn: conn.execute(
                probe, params).first()) is None:
            return []
        pick = _PICK if project is None else _PICK_IN

        def run(conn: sa.Connection) -> list:
            seqs = conn.execute(pick, params).scalars().all()
            if not seqs:
                return []
            conn.execute(_STAMP, dict(params, seqs=seqs))
            return conn.execute(_LEASED, {'seqs': seqs}).all()

        return [_model(row) for row in self._db.write(run)]

    def complete(self, deliveries: Iterable[base.Delivery]) -> None:
        by_token: dict[str, list[int]] = {}
        for delivery in deliveries:
            seq = _seq(delivery)
            if seq is not None and delivery.lease:
                by_token.setdefault(delivery.lease, []).append(seq)
        if not by_token:
            return

        def run(conn: sa.Connection) -> None:
            for token, seqs in by_token.items():
                conn.execute(_COMPLETE, {'seqs': seqs, 'token': token})

        self._db.write(run)

    def retry(self, delivery: base.Delivery, at: float, error: str) -> bool:
        seq = _seq(delivery)
        if seq is None or not delivery.lease:
            return False
        params = {'b_seq': seq, 'token': delivery.lease, 'at': at,
                  'error': _error(error)}
        return bool(self._db.write(
            lambda conn: conn.execute(_RETRY, params).rowcount))

    def fail(self, delivery: base.Delivery, error: str) -> bool:
        seq = _seq(delivery)
        if seq is None or not delivery.lease:
            return False
        key = self._key(delivery.queue, delivery.subscription_id,
                        delivery.project, delivery.scope)
        params = dict(key, b_seq=seq, token=delivery.lease,
                      error=_error(error), now=sql.now())

        def run(conn: sa.Connection) -> bool:
            if not conn.execute(_DROP, params).rowcount:
                return False
            self._upsert(conn, key, {'failed': 1, 'last_error': params[
                'error'], 'last_failure_at': params['now']}, _COUNT_FAILURE,
                params)
            return True

        return self._db.write(run)

    def pending(self, queue: str, *, project: str,
                scope: str = base.QUEUE) -> int:
        params = {'b_project': sql.project_key(project), 'b_scope': scope,
                  'b_queue': queue}
        return self._db.read(
            lambda conn: conn.execute(_PENDING, params).scalar()) or 0

    def state(self, queue: str, subscription_id: str, *,
              project: str, scope: str = base.QUEUE) -> base.SubscriberState:
        key = self._key(queue, subscription_id, project, scope)
        row = self._db.read(lambda conn: conn.execute(_STATE, key).first())
        if row is None:
            return base.SubscriberState()
        return base.SubscriberState(
            secret=row.secret, trust_id=row.trust_id, failed=row.failed,
            last_error=row.last_error, last_failure_at=row.last_failure_at)

    def set_secret(self, queue: str, subscription_id: str,
                   secret: str | None, *, project: str,
                   scope: str = base.QUEUE) -> None:
        self._set(queue, subscription_id, project, scope, secret=secret)

    def set_trust(self, queue: str, subscription_id: str,
                  trust_id: str | None, *, project: str,
                  scope: str = base.QUEUE) -> None:
        self._set(queue, subscription_id, project, scope, trust_id=trust_id)

    # -- helpers -----------------------------------------------------------

    @staticmethod
    def _key(queue: str, subscription_id: str, project: str,
             scope: str) -> dict:
        return {'b_project': sql.project_key(project), 'b_scope': scope,
                'b_queue': queue, 'b_sub': subscription_id}

    def _set(self, queue: str, subscription_id: str, project: str,
             scope: str, **values) -> None:
        key = self._key(queue, subscription_id, project, scope)
        stmt = ST.update().where(_STATE_KEY).values(**values)
        self._db.write(lambda conn: self._upsert(conn, key, values, stmt,
                                                 key))

    @staticmethod
    def _upsert(conn: sa.Connection, key: dict, values: dict,
                update: sa.Update, params: dict) -> None:
        """Run ``update``; insert the row with ``values`` when missing."""
        if conn.execute(update, params).rowcount:
            return
        row = {'project': key['b_project'], 'scope': key['b_scope'],
               'queue': key['b_queue'],
               'subscription_id': key['b_sub'], 'failed': 0}
        row.update(values)
        if not sql.insert_ignoring_conflict(conn, ST, row):
            # Another writer created it meanwhile.
            conn.execute(update, params)
