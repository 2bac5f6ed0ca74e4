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

"""Messages: posting, FIFO listing, lookups, deletes and pop.

Idempotent posts (``dedup_id``) without multi-document transactions. The
rule: a post is never answered with the id of a message that is not, and
will not be, stored; concurrent posts of one dedup_id store one message.

A ``dedup`` record (indexes.py) is written *before* the message, in state
``pending``, naming the new message's id and holding a short lease
(``DEDUP_LEASE``); the message is inserted; the record is then set
``done``. Only a ``done`` record answers another post. A post that finds
a ``pending`` record re-reads it (up to ``DEDUP_WAIT``, then 503: the
client retries) until it is done, gone (its poster failed and took it
back) or its lease has run out. A poster whose lease ran out is presumed
dead: if its message is stored, the retry sets the record done for it and
answers that id; if not, the retry takes the record over and stores its
own. Each of these steps is a compare-and-set on the state read
(``find_one_and_update`` guarded by message, state and lease), so one
caller wins it. A poster that lost its record (stalled past its lease)
finds out when it sets its record done, fails its post and takes its
message back. Whoever deletes a message carrying a dedup_id first sets its
pending record done, so a dead poster's message consumed before the lease
ran out is still answered and not posted again.

What this leaves open: a poster stalled past its lease between reading
its record and inserting its message can land a copy after a retry took
the record over; that copy is removed when the stalled poster finds its
record taken, so it is visible (claimable) only for that moment (and
stays, a duplicate, if that poster then dies too).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from bson import ObjectId
from pymongo import ASCENDING
from pymongo import errors as mongo_errors

from zaqar.storage import base, errors, models
from zaqar.storage.mongodb import codec, delivery, indexes, queues
from zaqar.storage.mongodb.resilience import retried

if TYPE_CHECKING:
    from zaqar.storage.mongodb.driver import DataDriver

# How long popped messages stay hidden if the process dies between
# tagging them and deleting them (they then become available again).
_POP_LEASE = 60

# Selection rounds when concurrent consumers keep taking our candidates.
MAX_ROUNDS = 10

# States of a ``dedup`` record (see the package docstring): ``pending``
# while its poster stores the message, ``done`` once it is stored.
DEDUP_PENDING = 'pending'
DEDUP_DONE = 'done'

# Seconds a poster holds a pending dedup record before a retry may
# presume it dead; how long a retry waits for a live one to settle
# (longer than the lease, so it always outlives a dead poster's); and how
# often it re-reads meanwhile.
DEDUP_LEASE = 2.0
DEDUP_WAIT = 3.0
_DEDUP_POLL = 0.05


def to_message(record: dict, now: float) -> models.Message:
    """The model of a stored message; the claim shows only while live."""
    claimed = record['claim_expires'] > codec.to_date(now)
    return models.Message(
        id=str(record['_id']),
        body=codec.load_json(record['body']),
        ttl=record['ttl'],
        age=codec.age(record['created'], now),
        created=record['created'],
        claim_id=record.get('claim_id') if claimed else None,
        claim_count=record.get('claim_count', 0),
        checksum=record.get('checksum'),
        dedup_id=record.get('dedup_id'),
        group=record.get('group'))


# What claim and pop read of a candidate message.
CANDIDATE = {'created': True, 'claim_count': True, 'marker': True,
             'group': True}


class GroupGate:
    """FIFO groups for one claim or pop call.

    A message of a group may be taken only while no older live message of
    its group exists (decided by existence, so concurrent callers agree),
    and one call takes at most one message per group. ``passed`` filters a
    batch of candidates (sorted by marker); the ids it turns away are
    excluded from the caller's next query, in ``skipped``.
    """

    def __init__(self, col, queue: str, project: str, now: float):
        self._col = col
        self._scope = {'project': project, 'queue': queue}
        self._now = codec.to_date(now)
        self.groups: set[str] = set()
        self.skipped: list = []

    def passed(self, candidates: list[dict]) -> list[dict]:
        kept = []
        for candidate in candidates:
            group = candidate.get('group')
            if group is None:
                kept.append(candidate)
            elif group in self.groups or self._col.find_one(dict(
                    self._scope, group=group,
                    marker={'$lt': candidate['marker']},
                    expires={'$gt': self._now}),
                    projection={'_id': True}) is not None:
                self.groups.add(group)
                self.skipped.append(candidate['_id'])
            else:
                self.groups.add(group)
                kept.append(candidate)
        return kept

    def query(self, guard: dict) -> dict:
        if not self.skipped:
            return guard
        return dict(guard, _id={'$nin': self.skipped})


def live(queue: str, project: str, now: float) -> dict[str, Any]:
    """Filter of a queue's unexpired messages."""
    return {'project': project, 'queue': queue,
            'expires': {'$gt': codec.to_date(now)}}


def available(queue: str, project: str, now: float) -> dict[str, Any]:
    """Filter of messages one may claim or pop: live, unclaimed, not
    delayed. Also the guard of every claiming update, so a message is
    taken by one consumer only."""
    now_date = codec.to_date(now)
    return dict(live(queue, project, now),
                claim_expires={'$lte': now_date},
                visible_at={'$lte': now_date})


def _parse_marker(marker: str | None) -> int | None:
    """A marker is the decimal position of the last message seen."""
    if marker is None:
        return None
    try:
        return int(marker)
    except (TypeError, ValueError):
        return None


def settle_before_delete(dedup, queue: str, project: str,
                         records: list[dict]) -> None:
    """Mark done the pending dedup records of messages about to be deleted.

    A poster may die after storing its message but before settling its
    dedup record; once the message is deleted, a retry could no longer
    tell it was stored and would store another. So whoever deletes a
    message that carries a dedup_id settles the record first.
    """
    keys = {indexes.dedup_key(project, queue, record['dedup_id'])
            for record in records if record.get('dedup_id') is not None}
    if keys:
        dedup.update_many(
            {'_id': {'$in': list(keys)},
             'message': {'$in': [str(record['_id']) for record in records]},
             'state': DEDUP_PENDING},
            {'$set': {'state': DEDUP_DONE}})


class MessageController(base.MessageController):
    """Messages in the ``messages`` collection, ordered by ``marker``."""

    def __init__(self, driver: DataDriver):
        self._driver = driver
        self._col = driver.collection(indexes.MESSAGES)
        self._claims = driver.collection(indexes.CLAIMS)
        self._dedup = driver.collection(indexes.DEDUP)

    @retried
    def post(self, queue, messages, *, project, client_uuid,
             traceparent=None):
        now = time.time()
        first = queues.reserve_markers(self._driver, queue, project,
                                       len(messages))
        records = []
        for offset, item in enumerate(messages):
            ttl = int(item['ttl'])
            records.append({
                '_id': ObjectId(), 'project': project, 'queue': queue,
                'marker': first + offset,
                'body': codec.dump_json(item.get('body')),
                'ttl': ttl, 'created': now,
                'expires': codec.to_date(now + ttl),
                'visible_at': codec.to_date(now + int(item.get('delay')
                                                       or 0)),
                'client': client_uuid,
                'claim_id': None, 'claim_expires': codec.EPOCH,
                'claim_count': 0,
                'checksum': item.get('checksum')})
            for field in ('dedup_id', 'group'):
                if item.get(field) is not None:
                    records[-1][field] = item[field]
        ids = [record['_id'] for record in records]
        answer = [str(oid) for oid in ids]
        # (dedup _id, message id) of each dedup record this post holds.
        remembered: list[tuple[str, str]] = []
        try:
            if any(item.get('dedup_window') for item in messages):
                records = self._deduplicate(queue, project, messages,
                                            records, answer, remembered)
            if records:
                self._col.insert_many(records, ordered=True)
            # Not atomic with the insert: see delivery.py for the window.
            if delivery.enqueue_posted(self._driver, queue, project,
                                       records, now, traceparent):
                self._driver.delivery_controller.activity.set()
            if remembered:
                self._settle(remembered)
        except (mongo_errors.PyMongoError, errors.StorageUnavailable):
            # All or nothing: take back whatever part of the batch landed,
            # except a message whose dedup record another caller already
            # settled (its id may have been answered to a retry).
            self._take_back(ids, remembered)
            raise
        return answer

    def _settle(self, remembered: list[tuple[str, str]]) -> None:
        """Mark this post's dedup records done, once its messages are in.

        Only from here on (or a helper's equivalent update, see
        ``_hold_or_answer``) may a retry be answered with these ids. A
        record that no longer names our message was taken over after our
        lease ran out: the post fails and takes its messages back.
        """
        keys = [key for key, _ in remembered]
        result = self._dedup.update_many(
            {'_id': {'$in': keys},
             'message': {'$in': [mine for _, mine in remembered]}},
            {'$set': {'state': DEDUP_DONE}})
        if result.matched_count < len(keys):
            raise errors.StorageUnavailable(
                'A dedup_id of this post was taken over by a retry')

    def _take_back(self, ids: list, remembered: list[tuple[str, str]]):
        """Best-effort undo of a failed post (see ``post``)."""
        kept = set()
        try:
            for key, mine in remembered:
                gone = self._dedup.delete_one(
                    {'_id': key, 'message': mine, 'state': DEDUP_PENDING})
                if not gone.deleted_count and self._dedup.find_one(
                        {'_id': key, 'message': mine},
                        projection={'_id': True}) is not None:
                    kept.add(mine)
            self._col.delete_many({'_id': {'$in': [
                oid for oid in ids if str(oid) not in kept]}})
        except mongo_errors.PyMongoError:
            pass

    def _deduplicate(self, queue, project, items, records, answer,
                     remembered):
        """The records to insert; ``answer`` gets each one's id.

        Each dedup_id's record is held (``remembered``) or answered by
        ``_hold_or_answer``; a repeat inside the batch gets the id its
        first occurrence got.
        """
        fresh, seen = [], {}
        for index, (item, record) in enumerate(zip(items, records,
                                                   strict=True)):
            key, window = item.get('dedup_id'), item.get('dedup_window')
            if key is None or not window:
                fresh.append(record)
                continue
            if key in seen:
                answer[index] = seen[key]
                continue
            doc_id = indexes.dedup_key(project, queue, key)
            mine = str(record['_id'])
            original = self._hold_or_answer(doc_id, project, queue, mine,
                                            window)
            if original is None:
                remembered.append((doc_id, mine))
                fresh.append(record)
                seen[key] = mine
            else:
                seen[key] = answer[index] = original
        return fresh

    def _hold_or_answer(self, doc_id: str, project: str, queue: str,
                        mine: str, window: int) -> str | None:
        """None once this caller holds ``doc_id`` pending for ``mine``;
        else the id of the message stored under it.

        The record's _id settles concurrent first posts; every later change
        is a compare-and-set on the state read, so exactly one caller wins
        each step. A ``done`` record is answered. A ``pending`` one whose
        lease is live is waited for (up to ``DEDUP_WAIT``, then 503). Once
        the lease has run out, its poster is presumed dead: if its message
        is stored the record is settled for it and answered, otherwise it
        is taken over. A record past its window is taken over too.
        """
        deadline = time.monotonic() + DEDUP_WAIT
        while True:
            now = time.time()
            now_date = codec.to_date(now)
            held = {'message': mine, 'state': DEDUP_PENDING,
                    'lease': codec.to_date(now + DEDUP_LEASE),
                    'expires': codec.to_date(now + window)}
            try:
                self._dedup.insert_one(dict(held, _id=doc_id,
                                            project=project, queue=queue))
                return None
            except mongo_errors.DuplicateKeyError:
                pass
            found = self._dedup.find_one({'_id': doc_id})
            if found is None:
                continue  # its poster failed and took it back: try again
            theirs = found['message']
            if found['expires'] <= now_date:
                if self._dedup.find_one_and_update(
                        {'_id': doc_id, 'message': theirs,
                         'expires': {'$lte': now_date}},
                        {'$set': held}) is not None:
                    return None
                continue
            # Records without a state were written done by older code.
            if found.get('state', DEDUP_DONE) == DEDUP_DONE:
                return theirs
            if found['lease'] <= now_date:
                guard = {'_id': doc_id, 'message': theirs,
                         'state': DEDUP_PENDING,
                         'lease': {'$lte': now_date}}
                if self._col.find_one({'_id': codec.to_id(theirs)},
                                      projection={'_id': True}):
                    if self._dedup.find_one_and_update(
                            guard, {'$set': {'state': DEDUP_DONE}}):
                        return theirs
                elif self._dedup.find_one_and_update(
                        guard, {'$set': held}) is not None:
                    return None
                continue
            if time.monotonic() >= deadline:
                raise errors.StorageUnavailable(
                    'A post of the same dedup_id is still in progress')
            time.sleep(_DEDUP_POLL)

    @retried
    def list(self, queue, *, project, marker=None, limit=10, echo=False,
             client_uuid=None, include_claimed=False,
             include_delayed=False):
        now = time.time()
        now_date = codec.to_date(now)
        query = live(queue, project, now)
        position = _parse_marker(marker)
        if position is not None:
            query['marker'] = {'$gt': position}
        if not include_claimed:
            query['claim_expires'] = {'$lte': now_date}
        if not include_delayed:
            query['visible_at'] = {'$lte': now_date}
        if not echo and client_uuid is not None:
            query['client'] = {'$ne': client_uuid}
        records = list(self._col.find(query)
                       .sort('marker', ASCENDING).limit(limit))
        found = [to_message(record, now) for record in records]
        return found, (str(records[-1]['marker']) if records else None)

    @retried
    def get(self, queue, message_id, *, project):
        now = time.time()
        oid = codec.to_id(message_id)
        record = None
        if oid is not None:
            record = self._col.find_one(
                dict(live(queue, project, now), _id=oid))
        if record is None:
            raise errors.MessageDoesNotExist(message_id, queue, project)
        return to_message(record, now)

    @retried
    def bulk_get(self, queue, message_ids, *, project):
        now = time.time()
        oids = codec.to_ids(message_ids)
        if not oids:
            return []
        records = {record['_id']: record for record in self._col.find(
            dict(live(queue, project, now), _id={'$in': oids}))}
        found = []
        for oid in dict.fromkeys(oids):  # input order, duplicates once
            if oid in records:
                found.append(to_message(records[oid], now))
        return found

    def _claim_is_live(self, queue: str, claim_id: str, project: str,
                       now: float) -> bool:
        oid = codec.to_id(claim_id)
        return oid is not None and self._claims.find_one(
            {'_id': oid, 'project': project, 'queue': queue,
             'expires': {'$gt': codec.to_date(now)}},
            projection={'_id': True}) is not None

    @retried
    def delete(self, queue, message_id, *, project, claim_id=None):
        oid = codec.to_id(message_id)
        if oid is None:
            return
        # Re-check when the message changes state under us (a claim is
        # taken or lapses between the read and the guarded delete).
        for _ in range(MAX_ROUNDS):
            now = time.time()
            now_date = codec.to_date(now)
            record = self._col.find_one(
                dict(live(queue, project, now), _id=oid),
                projection={'claim_id': True, 'claim_expires': True,
                            'dedup_id': True})
            if record is None:
                return
            claimed = record['claim_expires'] > now_date
            if claim_id is not None:
                # A message's live claim_expires is its claim's expiry, so
                # the claim record is read only to tell the errors apart.
                held = claimed and record.get('claim_id') == claim_id
                if not held and not self._claim_is_live(queue, claim_id,
                                                        project, now):
                    raise errors.ClaimDoesNotExist(claim_id, queue, project)
                if not claimed:
                    raise errors.MessageNotClaimed(message_id)
                if record.get('claim_id') != claim_id:
                    raise errors.MessageNotClaimedBy(message_id, claim_id)
                guard = {'claim_id': claim_id,
                         'claim_expires': {'$gt': now_date}}
            else:
                if claimed:
                    raise errors.MessageIsClaimed(message_id)
                guard = {'claim_expires': {'$lte': now_date}}
            settle_before_delete(self._dedup, queue, project, [record])
            result = self._col.delete_one(dict(guard, _id=oid,
                                               project=project, queue=queue))
            if result.deleted_count:
                return
        raise errors.StorageUnavailable(
            f'Message {message_id} kept changing while being deleted')

    @retried
    def bulk_delete(self, queue, message_ids, *, project, claim_ids=None):
        oids = codec.to_ids(message_ids)
        if not oids:
            return
        query: dict[str, Any] = {'_id': {'$in': oids}, 'project': project,
                                 'queue': queue}
        if claim_ids is not None:
            query['claim_id'] = {'$in': [c for c in claim_ids
                                         if isinstance(c, str)]}
            query['claim_expires'] = {'$gt': codec.to_date(time.time())}
        settle_before_delete(self._dedup, queue, project, list(self._col.find(
            dict(query, dedup_id={'$exists': True}),
            projection={'dedup_id': True})))
        self._col.delete_many(query)

    @retried
    def pop(self, queue, limit, *, project):
        now = time.time()
        # Tag the chosen messages with a private lease, as a claim would,
        # so concurrent pops and claims never share one; then take them.
        tag = str(ObjectId())
        scope = {'project': project, 'queue': queue, 'claim_id': tag}
        taken = 0
        gate = GroupGate(self._col, queue, project, now)
        for _ in range(MAX_ROUNDS):
            guard = available(queue, project, now)
            found = list(self._col.find(
                gate.query(guard), projection=CANDIDATE)
                .sort('marker', ASCENDING).limit(limit - taken))
            if not found:
                break
            candidates = [record['_id'] for record in gate.passed(found)]
            if not candidates:
                continue
            result = self._col.update_many(
                dict(guard, _id={'$in': candidates}),
                {'$set': {'claim_id': tag, 'claim_expires':
                          codec.to_date(now + _POP_LEASE)}})
            taken += result.modified_count
            if taken >= limit or result.modified_count == len(candidates):
                break  # done, or nothing was lost to a concurrent consumer
        records = list(self._col.find(scope).sort('marker', ASCENDING))
        if records:
            settle_before_delete(self._dedup, queue, project, records)
            self._col.delete_many(scope)
        popped = []
        for record in records:
            record.update(claim_id=None, claim_expires=codec.EPOCH)
            popped.append(to_message(record, now))
        return popped
