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

"""The notification outbox in the ``deliveries`` collection.

MongoDB has no transaction spanning the message insert and the delivery
insert here (the test emulator has none at all), so ``enqueue_posted``
runs right after the messages are stored; if it fails, the post takes its
messages back and fails too, so a client retry stays consistent. The one
window left is a process that dies between the two inserts: its messages
are stored but never notified.

A delivery is due while ``due <= now`` (float epoch). Leasing picks due
ids, then stamps them with one ``update_many`` guarded by ``due <= now``
(each document update is atomic), so concurrent leasers split the batch;
those stamped with our token are ours. The per-subscription secret, trust
id and failure record live as extra fields of the subscription document,
so they go when the subscription goes.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from bson import ObjectId
from pymongo import ASCENDING, IndexModel
from pymongo import errors as mongo_errors

from zaqar.storage import base
from zaqar.storage.mongodb import codec, indexes
from zaqar.storage.mongodb.resilience import retried

if TYPE_CHECKING:
    from zaqar.storage.mongodb.driver import DataDriver

DELIVERIES = 'deliveries'

# Longest error text kept with a delivery or a failure record.
ERROR_MAX = 1000

# Document: ``_id`` (ObjectId, the delivery id), ``project``, ``scope``
# (what ``queue`` names: a queue or a topic), ``queue``,
# ``subscription_id``, ``kind``, ``payload`` (JSON text), ``created``,
# ``due``, ``attempts``, ``lease`` (token or None), ``last_error``.
INDEXES = [
    # Leasing: the earliest due first.
    IndexModel([('due', ASCENDING), ('_id', ASCENDING)], name='delivery_due'),
    # Counting and project-scoped leases.
    IndexModel([('project', ASCENDING), ('scope', ASCENDING),
                ('queue', ASCENDING)], name='delivery_scope_queue'),
]


def ensure_indexes(database) -> None:
    database[DELIVERIES].create_indexes(INDEXES)


def _error(text: str | None) -> str | None:
    return None if text is None else str(text)[:ERROR_MAX]


def _payload(message_id: str, body_json: str, ttl: int,
             checksum: str | None, traceparent: str | None,
             dedup_id: str | None = None, group: str | None = None) -> str:
    """A message payload as JSON text, the stored body spliced in."""
    head = {'id': message_id, 'ttl': ttl}
    if checksum:
        head['checksum'] = checksum
    if dedup_id is not None:
        head['dedup_id'] = dedup_id
    if group is not None:
        head['group'] = group
    if traceparent:
        head['traceparent'] = traceparent
    return codec.dump_json(head)[:-1] + ',"body":' + body_json + '}'


def enqueue_posted(driver: DataDriver, queue: str, project: str,
                   records: Sequence[dict], now: float,
                   traceparent: str | None = None, *,
                   scope: str = base.QUEUE) -> int:
    """A delivery per stored message record and live subscription (the
    post's ``traceparent`` in each payload when given)."""
    subs = [record['_id'] for record in driver.collection(
        indexes.SUBSCRIPTIONS).find(
        {'project': project, 'scope': scope, 'queue': queue,
         'expires': {'$gt': codec.to_date(now)}},
        projection={'_id': True}).sort('_id', ASCENDING)]
    if not subs:
        return 0
    documents = []
    for record in records:
        payload = _payload(str(record['_id']), record['body'], record['ttl'],
                           record.get('checksum'), traceparent,
                           record.get('dedup_id'), record.get('group'))
        delay = (record['visible_at'] - codec.to_date(now)).total_seconds()
        due = now + max(0.0, delay)
        for sub in subs:
            documents.append({
                '_id': ObjectId(), 'project': project, 'scope': scope,
                'queue': queue,
                'subscription_id': str(sub), 'kind': base.DELIVERY_MESSAGE,
                'payload': payload, 'created': now, 'due': due,
                'attempts': 0, 'lease': None, 'last_error': None})
    outbox = driver.collection(DELIVERIES)
    try:
        outbox.insert_many(documents, ordered=False)
    except mongo_errors.PyMongoError:
        # The caller takes the messages back: take these back too.
        try:
            outbox.delete_many({'_id': {'$in': [d['_id'] for d in documents]}})
        except mongo_errors.PyMongoError:
            pass
        raise
    return len(documents)


def _model(document: dict) -> base.Delivery:
    return base.Delivery(
        id=str(document['_id']), project=document['project'],
        queue=document['queue'],
        subscription_id=document['subscription_id'],
        kind=document['kind'], payload=codec.load_json(document['payload']),
        attempts=document['attempts'], created=document['created'],
        lease=document.get('lease') or '',
        last_error=document.get('last_error'),
        scope=document.get('scope', base.QUEUE))


class DeliveryController(base.DeliveryController):
    """The outbox of one MongoDB database."""

    def __init__(self, driver: DataDriver):
        self._driver = driver
        self._col = driver.collection(DELIVERIES)
        self._subs = driver.collection(indexes.SUBSCRIPTIONS)

    @retried
    def enqueue(self, queue, subscription_id, kind, payload, *, project,
                scope=base.QUEUE, delay=0):
        now = time.time()
        oid = ObjectId()
        self._col.insert_one({
            '_id': oid, 'project': project, 'scope': scope, 'queue': queue,
            'subscription_id': subscription_id, 'kind': kind,
            'payload': codec.dump_json(payload), 'created': now,
            'due': now + delay, 'attempts': 0, 'lease': None,
            'last_error': None})
        self.activity.set()
        return str(oid)

    @retried
    def fan_out(self, queue, messages, *, project, scope=base.QUEUE,
                traceparent=None):
        now = time.time()
        if scope == base.TOPIC:
            # The topic record first, then its deliveries: no multi-document
            # transaction here, and a retried post redoes both harmlessly.
            try:
                self._driver.collection(indexes.QUEUES).update_one(
                    {'project': project, 'scope': scope, 'name': queue},
                    {'$setOnInsert': {'metadata': codec.dump_json({}),
                                      'counter': 0, 'created': now}},
                    upsert=True)
            except mongo_errors.DuplicateKeyError:
                pass  # created meanwhile
        records = []
        for message in messages:
            ttl = int(message['ttl'])
            records.append({
                '_id': message['id'], 'body': codec.dump_json(
                    message.get('body')), 'ttl': ttl,
                'checksum': message.get('checksum'),
                'expires': codec.to_date(now + ttl),
                'visible_at': codec.to_date(
                    now + int(message.get('delay') or 0))})
        count = enqueue_posted(self._driver, queue, project, records, now,
                               traceparent, scope=scope)
        if count:
            self.activity.set()
        return count

    @retried
    def lease(self, limit, seconds, *, project=None):
        now = time.time()
        query: dict = {'due': {'$lte': now}}
        if project is not None:
            query['project'] = project
        candidates = [document['_id'] for document in self._col.find(
            query, projection={'_id': True}).sort(
            [('due', ASCENDING), ('_id', ASCENDING)]).limit(limit)]
        if not candidates:
            return []
        token = str(uuid.uuid4())
        self._col.update_many(
            {'_id': {'$in': candidates}, 'due': {'$lte': now}},
            {'$set': {'due': now + seconds, 'lease': token},
             '$inc': {'attempts': 1}})
        return [_model(document) for document in self._col.find(
            {'_id': {'$in': candidates}, 'lease': token}).sort(
            '_id', ASCENDING)]

    @retried
    def complete(self, deliveries: Iterable[base.Delivery]) -> None:
        by_token: dict[str, list[ObjectId]] = {}
        for delivery in deliveries:
            oid = codec.to_oid(delivery.id)
            if oid is not None and delivery.lease:
                by_token.setdefault(delivery.lease, []).append(oid)
        for token, oids in by_token.items():
            self._col.delete_many({'_id': {'$in': oids}, 'lease': token})

    @retried
    def retry(self, delivery, at, error):
        oid = codec.to_oid(delivery.id)
        if oid is None or not delivery.lease:
            return False
        return bool(self._col.update_one(
            {'_id': oid, 'lease': delivery.lease},
            {'$set': {'due': at, 'lease': None,
                      'last_error': _error(error)}}).matched_count)

    @retried
    def fail(self, delivery, error):
        oid = codec.to_oid(delivery.id)
        if oid is None or not delivery.lease:
            return False
        if not self._col.delete_one(
                {'_id': oid, 'lease': delivery.lease}).deleted_count:
            return False
        sub = codec.to_oid(delivery.subscription_id)
        if sub is not None:
            self._subs.update_one(
                {'_id': sub, 'project': delivery.project,
                 'scope': delivery.scope, 'queue': delivery.queue},
                {'$inc': {'failed': 1},
                 '$set': {'last_error': _error(error),
                          'last_failure_at': time.time()}})
        return True

    @retried
    def pending(self, queue, *, project, scope=base.QUEUE):
        return self._col.count_documents({'project': project,
                                          'scope': scope, 'queue': queue})

    @retried
    def state(self, queue, subscription_id, *, project, scope=base.QUEUE):
        oid = codec.to_oid(subscription_id)
        document = None
        if oid is not None:
            document = self._subs.find_one(
                {'_id': oid, 'project': project, 'scope': scope,
                 'queue': queue},
                # A field name.
                projection={'secret': True, 'trust_id': True,  # nosec B105
                            'failed': True, 'last_error': True,
                            'last_failure_at': True})
        if document is None:
            return base.SubscriberState()
        return base.SubscriberState(
            secret=document.get('secret'), trust_id=document.get('trust_id'),
            failed=document.get('failed', 0),
            last_error=document.get('last_error'),
            last_failure_at=document.get('last_failure_at'))

    def set_secret(self, queue, subscription_id, secret, *, project,
                   scope=base.QUEUE):
        self._set(queue, subscription_id, project, scope, secret=secret)

    def set_trust(self, queue, subscription_id, trust_id, *, project,
                  scope=base.QUEUE):
        self._set(queue, subscription_id, project, scope, trust_id=trust_id)

    @retried
    def _set(self, queue: str, subscription_id: str, project: str,
             scope: str, **fields) -> None:
        oid = codec.to_oid(subscription_id)
        if oid is not None:
            self._subs.update_one(
                {'_id': oid, 'project': project, 'scope': scope,
                 'queue': queue},
                {'$set': fields})
