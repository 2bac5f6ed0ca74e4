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

"""Queue records, marker reservation and queue statistics."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo import errors as mongo_errors

from zaqar.storage import base, errors, models
from zaqar.storage.mongodb import codec, delivery, indexes
from zaqar.storage.mongodb.resilience import retried

if TYPE_CHECKING:
    from zaqar.storage.mongodb.driver import DataDriver


def reserve_markers(driver: DataDriver, name: str, project: str,
                    count: int) -> int:
    """Reserve ``count`` consecutive markers of a queue; return the first.

    One atomic ``$inc`` on the queue record, which is created (with empty
    metadata) when missing: posting and dead-lettering rely on that. Two
    concurrent upserts of a new queue can collide on the unique index; the
    loser simply increments the record the winner made.
    """
    queues = driver.collection(indexes.QUEUES)
    for _ in range(2):
        try:
            record = queues.find_one_and_update(
                {'project': project, 'scope': base.QUEUE, 'name': name},
                {'$inc': {'counter': count},
                 '$setOnInsert': {'metadata': codec.dump_json({}),
                                  'created': time.time()}},
                projection={'counter': True}, upsert=True,
                return_document=ReturnDocument.AFTER)
            return record['counter'] - count + 1
        except mongo_errors.DuplicateKeyError:
            continue
    raise errors.StorageUnavailable(f'Queue {name} could not be created')


def _key(project: str, scope: str, name: str) -> dict:
    """The unique key of a queue or topic record."""
    return {'project': project, 'scope': scope, 'name': name}


class QueueController(base.QueueController):
    """Queue records in the ``queues`` collection."""

    def __init__(self, driver: DataDriver):
        self._driver = driver
        self._col = driver.collection(indexes.QUEUES)

    @retried
    def create(self, name, *, project, scope=base.QUEUE, metadata=None):
        try:
            self._col.insert_one({
                'project': project, 'scope': scope, 'name': name,
                'metadata': codec.dump_json(metadata or {}),
                'counter': 0, 'created': time.time()})
        except mongo_errors.DuplicateKeyError:
            return False
        return True

    @retried
    def get_metadata(self, name, *, project, scope=base.QUEUE):
        record = self._col.find_one(_key(project, scope, name),
                                    projection={'metadata': True})
        if record is None:
            raise errors.QueueDoesNotExist(name, project)
        return codec.load_json(record.get('metadata'), {})

    @retried
    def set_metadata(self, name, metadata, *, project, scope=base.QUEUE):
        result = self._col.update_one(
            _key(project, scope, name),
            {'$set': {'metadata': codec.dump_json(metadata)}})
        if result.matched_count == 0:
            raise errors.QueueDoesNotExist(name, project)

    @retried
    def exists(self, name, *, project, scope=base.QUEUE):
        return self._col.find_one(_key(project, scope, name),
                                  projection={'_id': True}) is not None

    @retried
    def delete(self, name, *, project, scope=base.QUEUE):
        # The record goes last, so an interrupted delete can be redone.
        owned = {'project': project, 'queue': name}
        if scope == base.QUEUE:
            for collection in (indexes.MESSAGES, indexes.CLAIMS,
                               indexes.DEDUP):
                self._driver.collection(collection).delete_many(owned)
        else:
            # A topic's pending deliveries go with it.
            self._driver.collection(delivery.DELIVERIES).delete_many(
                dict(owned, scope=scope))
        self._driver.collection(indexes.SUBSCRIPTIONS).delete_many(
            dict(owned, scope=scope))
        self._col.delete_one(_key(project, scope, name))

    @staticmethod
    def _filter(project: str, scope: str, marker: str | None,
                name: str | None) -> dict:
        query: dict = {'project': project, 'scope': scope}
        condition: dict = {}
        if marker is not None:
            condition['$gt'] = marker
        if name:
            condition['$regex'] = re.escape(name)
        if condition:
            query['name'] = condition
        return query

    @retried
    def list(self, *, project, scope=base.QUEUE, marker=None, limit=10,
             detailed=False, name=None):
        projection = {'name': True, 'metadata': True, '_id': False}
        if not detailed:
            del projection['metadata']
        cursor = (self._col.find(self._filter(project, scope, marker, name),
                                 projection=projection)
                  .sort('name', ASCENDING).limit(limit))
        found = [
            models.Queue(
                name=record['name'],
                metadata=(codec.load_json(record.get('metadata'), {})
                          if detailed else None))
            for record in cursor]
        return found, (found[-1].name if found else None)

    @retried
    def count(self, *, project, scope=base.QUEUE, name=None):
        return self._col.count_documents(self._filter(project, scope, None,
                                                      name))

    @retried
    def stats(self, name, *, project, scope=base.QUEUE):
        if scope != base.QUEUE:
            return models.QueueStats()  # topics keep no messages
        now = time.time()
        now_date = codec.to_date(now)
        live = {'project': project, 'queue': name,
                'expires': {'$gt': now_date}}
        messages = self._driver.collection(indexes.MESSAGES)
        claimed = messages.count_documents(
            dict(live, claim_expires={'$gt': now_date}))
        free = messages.count_documents(
            dict(live, claim_expires={'$lte': now_date}))
        if claimed + free == 0:
            return models.QueueStats()

        def stamp(direction: int) -> models.MessageStamp | None:
            record = messages.find_one(
                live, projection={'created': True},
                sort=[('marker', direction)])
            if record is None:  # expired between the counts and now
                return None
            return models.MessageStamp(
                id=str(record['_id']), created=record['created'],
                age=codec.age(record['created'], now))

        return models.QueueStats(claimed=claimed, free=free,
                                 oldest=stamp(ASCENDING),
                                 newest=stamp(DESCENDING))
