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

"""Claims: atomic leases on batches of messages, and dead-lettering."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from bson import ObjectId
from pymongo import ASCENDING, UpdateOne

from zaqar.storage import base, errors, models
from zaqar.storage.mongodb import codec, indexes, messages, queues
from zaqar.storage.mongodb.resilience import retried

if TYPE_CHECKING:
    from zaqar.storage.mongodb.driver import DataDriver


def _lifetime_raise(record: dict, now: float, ttl: int,
                    grace: int) -> dict:
    """``$max`` so a message outlives the claim by ``grace`` seconds.

    ``ttl`` counts from the message's creation, so it becomes at least its
    current age plus the claim's ttl and grace.
    """
    return {'ttl': codec.age(record['created'], now) + ttl + grace,
            'expires': codec.to_date(now + ttl + grace)}


def _dead_letter_policy(metadata: dict) -> tuple[int, str, int] | None:
    """(max claim count, target queue, target ttl or 0) when dead-lettering
    is configured on the queue, else None."""
    limit = metadata.get('_max_claim_count')
    target = metadata.get('_dead_letter_queue')
    if limit is None or not target:
        return None
    return int(limit), target, int(
        metadata.get('_dead_letter_queue_messages_ttl') or 0)


class ClaimController(base.ClaimController):
    """Claim records in ``claims``; each claimed message carries the claim
    id and expiry, and every claiming write is guarded by "not claimed"."""

    def __init__(self, driver: DataDriver):
        self._driver = driver
        self._col = driver.collection(indexes.CLAIMS)
        self._messages = driver.collection(indexes.MESSAGES)
        self._queues = driver.collection(indexes.QUEUES)

    def _dead_letter(self, queue: str, project: str, records: list[dict],
                     target: str, target_ttl: int, now: float) -> int:
        """Move still-available messages to ``target`` (same ids), at the
        end of its FIFO order, unclaimed; return how many moved (one taken
        by a concurrent claimant in between stays)."""
        first = queues.reserve_markers(self._driver, target, project,
                                       len(records))
        operations = []
        for offset, record in enumerate(records):
            changes = {'queue': target, 'marker': first + offset,
                       'claim_id': None, 'claim_expires': codec.EPOCH}
            if target_ttl:
                changes['ttl'] = (codec.age(record['created'], now)
                                  + target_ttl)
                changes['expires'] = codec.to_date(now + target_ttl)
            operations.append(UpdateOne(
                dict(messages.available(queue, project, now),
                     _id=record['_id']),
                {'$set': changes}))
        return self._messages.bulk_write(operations,
                                         ordered=False).modified_count

    @retried
    def create(self, queue, *, project, ttl, grace, limit=10):
        now = time.time()
        record = self._queues.find_one(
            {'project': project, 'scope': base.QUEUE, 'name': queue},
            projection={'metadata': True})
        if record is None:
            return models.Claimed(None, [])
        policy = _dead_letter_policy(
            codec.load_json(record.get('metadata'), {}))
        claim_id = str(ObjectId())
        claim_expires = codec.to_date(now + ttl)
        guard = messages.available(queue, project, now)
        won = moved = 0
        gate = messages.GroupGate(self._messages, queue, project, now)
        for _ in range(messages.MAX_ROUNDS):
            found = list(self._messages.find(
                gate.query(guard), projection=messages.CANDIDATE)
                .sort('marker', ASCENDING).limit(limit - won))
            if not found:
                break
            candidates = gate.passed(found)
            if not candidates:
                continue
            if policy is not None:
                spent = [c for c in candidates
                         if c.get('claim_count', 0) >= policy[0]]
                if spent:
                    moved += self._dead_letter(queue, project, spent,
                                               policy[1], policy[2], now)
                    candidates = [c for c in candidates if c not in spent]
                    if not candidates:
                        continue
            result = self._messages.bulk_write([
                UpdateOne(dict(guard, _id=candidate['_id']),
                          {'$set': {'claim_id': claim_id,
                                    'claim_expires': claim_expires},
                           '$inc': {'claim_count': 1},
                           '$max': _lifetime_raise(candidate, now, ttl,
                                                   grace)})
                for candidate in candidates], ordered=False)
            won += result.modified_count
            if won >= limit or result.modified_count == len(candidates):
                break  # done, or nothing was lost to a concurrent claimant
        if not won:
            return models.Claimed(None, [], moved)
        self._col.insert_one({
            '_id': ObjectId(claim_id), 'project': project, 'queue': queue,
            'ttl': ttl, 'created': now, 'expires': claim_expires})
        claimed = self._messages.find(
            {'project': project, 'queue': queue, 'claim_id': claim_id})
        return models.Claimed(claim_id, [
            messages.to_message(m, now)
            for m in claimed.sort('marker', ASCENDING)], moved)

    def _live_claim(self, queue: str, claim_id: str, project: str,
                    now: float) -> dict:
        oid = codec.to_id(claim_id)
        record = None
        if oid is not None:
            record = self._col.find_one(
                {'_id': oid, 'project': project, 'queue': queue,
                 'expires': {'$gt': codec.to_date(now)}})
        if record is None:
            raise errors.ClaimDoesNotExist(claim_id, queue, project)
        return record

    def _held(self, queue: str, claim_id: str, project: str,
              now: float) -> dict:
        """Filter of the live messages a claim holds."""
        return dict(messages.live(queue, project, now), claim_id=claim_id,
                    claim_expires={'$gt': codec.to_date(now)})

    @retried
    def get(self, queue, claim_id, *, project):
        now = time.time()
        record = self._live_claim(queue, claim_id, project, now)
        held = self._messages.find(self._held(queue, claim_id, project, now))
        return models.Claim(
            id=claim_id, ttl=record['ttl'],
            age=codec.age(record['created'], now),
            messages=tuple(messages.to_message(m, now)
                           for m in held.sort('marker', ASCENDING)))

    @retried
    def update(self, queue, claim_id, *, project, ttl, grace):
        now = time.time()
        oid = codec.to_id(claim_id)
        claim_expires = codec.to_date(now + ttl)
        if oid is None or not self._col.update_one(
                {'_id': oid, 'project': project, 'queue': queue,
                 'expires': {'$gt': codec.to_date(now)}},
                {'$set': {'ttl': ttl, 'created': now,
                          'expires': claim_expires}}).matched_count:
            raise errors.ClaimDoesNotExist(claim_id, queue, project)
        held = self._held(queue, claim_id, project, now)
        operations = [
            UpdateOne(dict(held, _id=record['_id']),
                      {'$set': {'claim_expires': claim_expires},
                       '$max': _lifetime_raise(record, now, ttl, grace)})
            for record in self._messages.find(
                held, projection={'created': True})]
        if operations:
            self._messages.bulk_write(operations, ordered=False)

    @retried
    def delete(self, queue, claim_id, *, project):
        oid = codec.to_id(claim_id)
        if oid is None:
            return
        # The record goes first: a delete "with this claim" racing with the
        # release then fails as ClaimDoesNotExist, never half-way.
        self._col.delete_one({'_id': oid, 'project': project,
                              'queue': queue})
        self._messages.update_many(
            {'project': project, 'queue': queue, 'claim_id': claim_id},
            {'$set': {'claim_id': None, 'claim_expires': codec.EPOCH}})
