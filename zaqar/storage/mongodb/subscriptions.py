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

"""Subscriptions: subscriber URIs attached to a queue, unique per URI."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from bson import ObjectId
from pymongo import ASCENDING
from pymongo import errors as mongo_errors

from zaqar.storage import base, errors, models
from zaqar.storage.mongodb import codec, indexes
from zaqar.storage.mongodb.resilience import retried

if TYPE_CHECKING:
    from zaqar.storage.mongodb.driver import DataDriver


def _to_subscription(record: dict, now: float) -> models.Subscription:
    return models.Subscription(
        id=str(record['_id']), source=record['queue'],
        subscriber=record['subscriber'], ttl=record['ttl'],
        age=codec.age(record['created'], now),
        options=codec.load_json(record.get('options'), {}),
        confirmed=bool(record.get('confirmed', False)))


def _already_exists() -> errors.SubscriptionAlreadyExists:
    return errors.SubscriptionAlreadyExists(
        'Such subscription already exists. Subscriptions are unique by '
        'project + queue + subscriber URI.')


class SubscriptionController(base.SubscriptionController):
    """Subscriptions in the ``subscriptions`` collection.

    Uniqueness comes from a unique index on project + queue + subscriber;
    an expired subscription that the TTL sweep has not removed yet is
    deleted before its URI is reused.
    """

    def __init__(self, driver: DataDriver):
        self._driver = driver
        self._col = driver.collection(indexes.SUBSCRIPTIONS)

    def _live(self, queue: str, project: str, now: float,
              scope: str = base.QUEUE) -> dict:
        return {'project': project, 'scope': scope, 'queue': queue,
                'expires': {'$gt': codec.to_date(now)}}

    def _drop_expired(self, queue: str, subscriber: str, project: str,
                      scope: str,
                      now: float) -> None:
        self._col.delete_many({'project': project, 'scope': scope,
                               'queue': queue,
                               'subscriber': subscriber,
                               'expires': {'$lte': codec.to_date(now)}})

    @retried
    def create(self, queue, subscriber, ttl, options, *, project,
               scope=base.QUEUE):
        now = time.time()
        self._drop_expired(queue, subscriber, project, scope, now)
        oid = ObjectId()
        try:
            self._col.insert_one({
                '_id': oid, 'project': project, 'scope': scope,
                'queue': queue,
                'subscriber': subscriber, 'ttl': ttl, 'created': now,
                'expires': codec.to_date(now + ttl),
                'options': codec.dump_json(options or {}),
                'confirmed': False})
        except mongo_errors.DuplicateKeyError:
            raise _already_exists() from None
        return str(oid)

    def _find(self, queue: str, subscription_id: str, project: str,
              scope: str,
              now: float) -> dict:
        oid = codec.to_oid(subscription_id)
        record = None
        if oid is not None:
            record = self._col.find_one(
                dict(self._live(queue, project, now, scope), _id=oid))
        if record is None:
            raise errors.SubscriptionDoesNotExist(subscription_id)
        return record

    @retried
    def get(self, queue, subscription_id, *, project, scope=base.QUEUE):
        now = time.time()
        return _to_subscription(
            self._find(queue, subscription_id, project, scope, now), now)

    @retried
    def get_with_subscriber(self, queue, subscriber, *, project,
                            scope=base.QUEUE):
        now = time.time()
        record = self._col.find_one(dict(self._live(queue, project, now, scope),
                                         subscriber=subscriber))
        return None if record is None else _to_subscription(record, now)

    @retried
    def list(self, queue, *, project, scope=base.QUEUE, marker=None, limit=10):
        now = time.time()
        query = self._live(queue, project, now, scope)
        after = codec.to_oid(marker)
        if after is not None:
            query['_id'] = {'$gt': after}
        found = [_to_subscription(record, now) for record in
                 self._col.find(query).sort('_id', ASCENDING).limit(limit)]
        return found, (found[-1].id if found else None)

    @retried
    def update(self, queue, subscription_id, *, project,
               scope=base.QUEUE, subscriber=None,
               ttl=None, options=None):
        now = time.time()
        record = self._find(queue, subscription_id, project, scope, now)
        changes: dict = {}
        if subscriber is not None and subscriber != record['subscriber']:
            self._drop_expired(queue, subscriber, project, scope, now)
            changes['subscriber'] = subscriber
        if ttl is not None:
            changes.update(ttl=ttl, created=now,
                           expires=codec.to_date(now + ttl))
        if options is not None:
            changes['options'] = codec.dump_json(options)
        if not changes:
            return
        try:
            result = self._col.update_one(
                dict(self._live(queue, project, now, scope), _id=record['_id']),
                {'$set': changes})
        except mongo_errors.DuplicateKeyError:
            raise _already_exists() from None
        if not result.matched_count:  # expired or deleted meanwhile
            raise errors.SubscriptionDoesNotExist(subscription_id)

    @retried
    def confirm(self, queue, subscription_id, confirmed, *, project,
                scope=base.QUEUE):
        now = time.time()
        oid = codec.to_oid(subscription_id)
        if oid is None or not self._col.update_one(
                dict(self._live(queue, project, now, scope), _id=oid),
                {'$set': {'confirmed': bool(confirmed)}}).matched_count:
            raise errors.SubscriptionDoesNotExist(subscription_id)

    @retried
    def delete(self, queue, subscription_id, *, project, scope=base.QUEUE):
        oid = codec.to_oid(subscription_id)
        if oid is not None:
            self._col.delete_one({'_id': oid, 'project': project,
                                  'scope': scope,
                                  'queue': queue})
