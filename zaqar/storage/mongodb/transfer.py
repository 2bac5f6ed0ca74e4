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

New messages get markers below the queue's first: the queue record keeps a
``floor`` (0 until the first import; posts count up from 1) that an import
lowers atomically by the batch size, so imports and posts never share a
marker. Ids from engines that make UUIDs are stored as string ``_id``s
(``codec.to_id``). Deletes are compare-and-delete on the exact stored
state, one document at a time.

Dedup records are exported once settled (``done``), or while ``pending``
if their message is already stored (the poster is about to settle them);
a pending record whose message is not stored is left out, since its
poster may yet fail and a retry must then store the message.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from pymongo import ASCENDING, DESCENDING, ReturnDocument, UpdateOne
from pymongo import errors as mongo_errors

from zaqar.storage import base, transfer
from zaqar.storage.mongodb import codec, indexes, messages
from zaqar.storage.mongodb.resilience import retried

if TYPE_CHECKING:
    from zaqar.storage.mongodb.driver import DataDriver


def _optional(record: transfer.MessageRecord) -> dict:
    """dedup_id and group, stored only when the message has them."""
    fields = {'dedup_id': record.dedup_id, 'group': record.group}
    return {k: v for k, v in fields.items() if v is not None}


def _record(doc: dict, now: float) -> transfer.MessageRecord:
    claimed = doc['claim_expires'] > codec.to_date(now)
    return transfer.MessageRecord(
        id=str(doc['_id']), body=codec.load_json(doc['body']),
        created=doc['created'], expires=codec.from_date(doc['expires']),
        delay_until=codec.from_date(doc['visible_at']),
        client_uuid=doc.get('client'), checksum=doc.get('checksum'),
        claim_id=doc.get('claim_id') if claimed else None,
        claim_expires=(codec.from_date(doc['claim_expires'])
                       if claimed else None),
        claim_count=doc.get('claim_count', 0),
        dedup_id=doc.get('dedup_id'), group=doc.get('group'))


def _date(timestamp: float):
    """A deadline rounded (not truncated) to the millisecond, so that a
    time read from this store is written back unchanged."""
    return codec.to_date(timestamp + 0.0005)


def _state(record: transfer.MessageRecord) -> dict:
    return {'ttl': round(record.expires - record.created),
            'expires': _date(record.expires),
            'visible_at': _date(record.delay_until),
            'claim_id': record.claim_id,
            'claim_expires': (_date(record.claim_expires)
                              if record.claim_id else codec.EPOCH),
            'claim_count': record.claim_count}


class TransferController(transfer.TransferController):
    """Record-level access to the ``messages`` and ``claims`` collections."""

    def __init__(self, driver: DataDriver):
        # The retry decorator reaches the driver through this attribute.
        self._driver = driver
        self._messages = driver.collection(indexes.MESSAGES)
        self._claims = driver.collection(indexes.CLAIMS)
        self._queues = driver.collection(indexes.QUEUES)
        self._dedup = driver.collection(indexes.DEDUP)

    @retried
    def export_tail(self, queue, *, project, limit):
        now = time.time()
        docs = list(self._messages.find(messages.live(queue, project, now))
                    .sort('marker', DESCENDING).limit(int(limit)))
        return [_record(doc, now) for doc in reversed(docs)]

    @retried
    def fetch(self, queue, message_ids, *, project):
        ids = codec.to_ids(dict.fromkeys(message_ids))
        if not ids:
            return []
        now = time.time()
        docs = self._messages.find(dict(messages.live(queue, project, now),
                                        _id={'$in': ids}))
        return [_record(doc, now) for doc in docs.sort('marker', ASCENDING)]

    def _lower_floor(self, queue: str, project: str, count: int) -> int:
        """Reserve ``count`` markers below the queue's; return the first."""
        record = self._queues.find_one_and_update(
            {'project': project, 'scope': base.QUEUE, 'name': queue},
            {'$inc': {'floor': -count},
             '$setOnInsert': {'metadata': codec.dump_json({}),
                              'counter': 0, 'created': time.time()}},
            projection={'floor': True}, upsert=True,
            return_document=ReturnDocument.AFTER)
        return record['floor'] + 1

    @retried
    def import_messages(self, queue, records, *, project):
        if not records:
            return
        ids = codec.to_ids(r.id for r in records)
        held = {str(doc['_id']) for doc in self._messages.find(
            {'project': project, 'queue': queue, '_id': {'$in': ids}},
            projection={'_id': True})}
        updates = [UpdateOne({'project': project, 'queue': queue,
                              '_id': codec.to_id(r.id)},
                             {'$set': _state(r)})
                   for r in records if r.id in held]
        if updates:
            self._messages.bulk_write(updates, ordered=False)
        new = [r for r in records if r.id not in held]
        if not new:
            return
        first = self._lower_floor(queue, project, len(new))
        self._messages.insert_many([dict(
            _state(r), _id=codec.to_id(r.id), project=project, queue=queue,
            marker=first + offset, body=codec.dump_json(r.body),
            created=r.created, client=r.client_uuid, checksum=r.checksum,
            **_optional(r)) for offset, r in enumerate(new)], ordered=True)

    @retried
    def release(self, queue, records, *, project):
        if records:
            self._messages.bulk_write([UpdateOne(
                {'project': project, 'queue': queue,
                 '_id': codec.to_id(r.id)},
                {'$set': {'visible_at': _date(r.delay_until)}})
                for r in records], ordered=False)

    @retried
    def remove_unchanged(self, queue, records, *, project):
        expected = {r.id: r for r in records}
        if not expected:
            return []
        now = time.time()
        docs = self._messages.find(dict(
            messages.live(queue, project, now),
            _id={'$in': codec.to_ids(expected)}))
        removed = set()
        for doc in docs:
            record = expected[str(doc['_id'])]
            if not record.same_state(_record(doc, now)):
                continue
            # Compare-and-delete on the very values just read.
            guard = {key: doc.get(key) for key in (
                '_id', 'project', 'queue', 'expires', 'claim_id',
                'claim_expires', 'claim_count')}
            if self._messages.delete_one(guard).deleted_count:
                removed.add(record.id)
        return [i for i in expected if i not in removed]

    @retried
    def export_claims(self, queue, *, project):
        now = codec.to_date(time.time())
        docs = self._claims.find({'project': project, 'queue': queue,
                                  'expires': {'$gt': now}})
        return sorted((transfer.ClaimRecord(
            id=str(doc['_id']), ttl=int(doc['ttl']), renewed=doc['created'],
            expires=codec.from_date(doc['expires'])) for doc in docs),
            key=lambda c: c.id)

    def _ensure_queue(self, queue: str, project: str) -> None:
        self._queues.update_one(
            {'project': project, 'scope': base.QUEUE, 'name': queue},
            {'$setOnInsert': {'metadata': codec.dump_json({}),
                              'counter': 0, 'created': time.time()}},
            upsert=True)

    @retried
    def import_claims(self, queue, claims, *, project):
        if not claims:
            return
        self._ensure_queue(queue, project)
        self._claims.bulk_write([UpdateOne(
            {'_id': codec.to_id(c.id)},
            {'$set': {'project': project, 'queue': queue, 'ttl': c.ttl,
                      'created': c.renewed,
                      'expires': _date(c.expires)}},
            upsert=True) for c in claims], ordered=False)

    @retried
    def export_dedup(self, queue, *, project, dedup_ids=None):
        prefix = indexes.dedup_key(project, queue, '')
        now = codec.to_date(time.time())
        query = {'project': project, 'queue': queue, 'expires': {'$gt': now}}
        if dedup_ids is not None:
            keys = [prefix + k for k in dict.fromkeys(dedup_ids)]
            if not keys:
                return []
            query['_id'] = {'$in': keys}
        docs = list(self._dedup.find(query))
        pending = codec.to_ids(d['message'] for d in docs
                               if d.get('state') != messages.DEDUP_DONE)
        stored = {str(d['_id']) for d in self._messages.find(
            {'project': project, 'queue': queue, '_id': {'$in': pending}},
            projection={'_id': True})} if pending else set()
        return sorted((transfer.DedupRecord(
            d['_id'][len(prefix):], d['message'],
            codec.from_date(d['expires'])) for d in docs
            if d.get('state') == messages.DEDUP_DONE
            or d['message'] in stored), key=lambda d: d.dedup_id)

    @retried
    def import_dedup(self, queue, records, *, project):
        now = time.time()
        live = [r for r in records if r.expires > now]
        if not live:
            return
        self._ensure_queue(queue, project)
        now_date = codec.to_date(now)
        for record in live:
            doc_id = indexes.dedup_key(project, queue, record.dedup_id)
            settled = {'message': record.message_id,
                       'state': messages.DEDUP_DONE,
                       'expires': _date(record.expires)}
            try:
                self._dedup.insert_one(dict(settled, _id=doc_id,
                                            project=project, queue=queue))
            except mongo_errors.DuplicateKeyError:
                # Kept unless it is past its window (as a post does).
                self._dedup.update_one(
                    {'_id': doc_id, 'expires': {'$lte': now_date}},
                    {'$set': settled, '$unset': {'lease': ''}})
