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

"""The MongoDB management store: pools, flavors and the catalogue.

Collections (they may share a database with a message store):

``pools``: ``_id`` (name), ``uri`` (unique), ``weight``, ``flavor``
(null for none), ``options``. ``flavors``: ``_id`` (name),
``capabilities``. ``catalogue``: ``_id`` (``"<project>\\n<queue>"``),
``project``, ``queue``, ``pool``.

Insert-if-absent relies on the unique ``_id``; the pool URI's uniqueness
on a unique index. Calls go through the data driver's retry policy.
"""

from __future__ import annotations

import threading
from typing import Any

import pymongo
from pymongo import ASCENDING, IndexModel
from pymongo import errors as mongo_errors

from zaqar.storage import control, errors
from zaqar.storage.mongodb import driver as data_driver
from zaqar.storage.mongodb import resilience
from zaqar.storage.mongodb.resilience import retried

POOLS = 'pools'
FLAVORS = 'flavors'
CATALOGUE = 'catalogue'

INDEXES: dict[str, list[IndexModel]] = {
    POOLS: [IndexModel([('uri', ASCENDING)], name='pool_uri', unique=True),
            IndexModel([('flavor', ASCENDING)], name='pool_flavor')],
    CATALOGUE: [IndexModel([('pool', ASCENDING)], name='catalogue_pool'),
                IndexModel([('project', ASCENDING), ('pool', ASCENDING)],
                           name='catalogue_project')],
}


def _pool(doc: dict) -> control.Pool:
    return control.Pool(name=doc['_id'], uri=doc['uri'],
                        weight=int(doc['weight']), flavor=doc.get('flavor'),
                        options=dict(doc.get('options') or {}))


def _page(collection, marker: str | None, limit: int | None) -> list[dict]:
    query = {} if marker is None else {'_id': {'$gt': marker}}
    cursor = collection.find(query).sort('_id', ASCENDING)
    if limit is not None:
        cursor = cursor.limit(limit)
    return list(cursor)


class _Controller:
    def __init__(self, driver: ControlDriver):
        self._driver = driver
        self._pools = driver.database[POOLS]
        self._flavors = driver.database[FLAVORS]
        self._catalogue = driver.database[CATALOGUE]


class PoolsController(_Controller, control.PoolsController):
    @retried
    def put(self, pool: control.Pool) -> bool:
        owner = self._pools.find_one({'uri': pool.uri,
                                      '_id': {'$ne': pool.name}})
        if owner is not None:
            raise control.PoolAlreadyExists(owner['_id'])
        try:
            result = self._pools.replace_one(
                {'_id': pool.name},
                {'uri': pool.uri, 'weight': pool.weight,
                 'flavor': pool.flavor, 'options': pool.options},
                upsert=True)
        except mongo_errors.DuplicateKeyError:
            raise control.PoolAlreadyExists(pool.name) from None
        return result.upserted_id is not None

    @retried
    def get(self, name: str) -> control.Pool:
        doc = self._pools.find_one({'_id': name})
        if doc is None:
            raise control.PoolDoesNotExist(name)
        return _pool(doc)

    @retried
    def list(self, *, marker: str | None = None,
             limit: int | None = 10) -> list[control.Pool]:
        return [_pool(d) for d in _page(self._pools, marker, limit)]

    @retried
    def delete(self, name: str) -> None:
        doc = self._pools.find_one({'_id': name})
        if doc is None:
            return
        if self._catalogue.find_one({'pool': name}) is not None:
            raise control.PoolInUse(name)
        flavor = doc.get('flavor')
        if flavor and self._flavors.find_one({'_id': flavor}) is not None \
                and self._pools.find_one({'flavor': flavor,
                                          '_id': {'$ne': name}}) is None:
            raise control.PoolInUseByFlavor(name, flavor)
        self._pools.delete_one({'_id': name})


class FlavorsController(_Controller, control.FlavorsController):
    @retried
    def put(self, name: str, pool_list: list[str],
            capabilities: dict | None = None) -> bool:
        wanted = sorted(set(pool_list))
        known = {d['_id'] for d in self._pools.find(
            {'_id': {'$in': wanted}}, {'_id': 1})}
        for pool in wanted:
            if pool not in known:
                raise control.PoolDoesNotExist(pool)
        result = self._flavors.replace_one(
            {'_id': name}, {'capabilities': capabilities or {}}, upsert=True)
        self._pools.update_many({'flavor': name, '_id': {'$nin': wanted}},
                                {'$set': {'flavor': None}})
        if wanted:
            self._pools.update_many({'_id': {'$in': wanted}},
                                    {'$set': {'flavor': name}})
        return result.upserted_id is not None

    def _flavor(self, doc: dict) -> control.Flavor:
        members = [d['_id'] for d in self._pools.find(
            {'flavor': doc['_id']}, {'_id': 1}).sort('_id', ASCENDING)]
        return control.Flavor(doc['_id'], tuple(members),
                              dict(doc.get('capabilities') or {}))

    @retried
    def get(self, name: str) -> control.Flavor:
        doc = self._flavors.find_one({'_id': name})
        if doc is None:
            raise control.FlavorDoesNotExist(name)
        return self._flavor(doc)

    @retried
    def list(self, *, marker: str | None = None,
             limit: int = 10) -> list[control.Flavor]:
        return [self._flavor(d) for d in _page(self._flavors, marker, limit)]

    @retried
    def delete(self, name: str) -> None:
        self._flavors.delete_one({'_id': name})
        self._pools.update_many({'flavor': name}, {'$set': {'flavor': None}})


def _key(project: str, queue: str) -> str:
    return f'{project}\n{queue}'


class CatalogueController(_Controller, control.CatalogueController):
    @retried
    def get(self, project: str, queue: str) -> str | None:
        doc = self._catalogue.find_one({'_id': _key(project, queue)})
        return None if doc is None else doc['pool']

    @retried
    def insert(self, project: str, queue: str, pool: str) -> str:
        key = _key(project, queue)
        try:
            self._catalogue.insert_one({'_id': key, 'project': project,
                                        'queue': queue, 'pool': pool})
            return pool
        except mongo_errors.DuplicateKeyError:
            doc = self._catalogue.find_one({'_id': key})
        if doc is None:  # deleted in between: try again
            raise errors.StorageUnavailable('Catalogue entry raced away')
        return doc['pool']

    @retried
    def move(self, project: str, queue: str, pool: str) -> None:
        self._catalogue.replace_one(
            {'_id': _key(project, queue)},
            {'project': project, 'queue': queue, 'pool': pool}, upsert=True)

    @retried
    def delete(self, project: str, queue: str) -> None:
        self._catalogue.delete_one({'_id': _key(project, queue)})

    @retried
    def pools_of(self, project: str) -> set[str]:
        return {d['pool'] for d in self._catalogue.find(
            {'project': project}, {'pool': 1, '_id': 0})}

    @retried
    def count(self, pool: str) -> int:
        return self._catalogue.count_documents({'pool': pool})


class ControlDriver(control.ControlDriver):
    """Pools, flavors and catalogue in MongoDB (options as the data
    driver's: ``database``, ``replicaset``, ``ssl*``, retries)."""

    name = 'mongodb'
    option_group = 'drivers:management_store:mongodb'

    def __init__(self, uri: str, options: dict[str, Any] | None = None):
        super().__init__(uri, options)
        # The data driver parses the same URI and options; reuse it for
        # the client, database and retry policy.
        self._data = data_driver.DataDriver(uri, self.options)
        self.client: pymongo.MongoClient = self._data.client
        self.database = self._data.database
        self.retry_policy: resilience.RetryPolicy = self._data.retry_policy
        self._ready = False
        self._ready_lock = threading.Lock()
        self._pools_ctl = PoolsController(self)
        self._flavors_ctl = FlavorsController(self)
        self._catalogue_ctl = CatalogueController(self)

    def ensure_ready(self) -> None:
        """Create the indexes once, before the first operation."""
        if self._ready:
            return
        with self._ready_lock:
            if not self._ready:
                for name, models in INDEXES.items():
                    self.database[name].create_indexes(models)
                self._ready = True

    @property
    def pools_controller(self) -> PoolsController:
        return self._pools_ctl

    @property
    def flavors_controller(self) -> FlavorsController:
        return self._flavors_ctl

    @property
    def catalogue_controller(self) -> CatalogueController:
        return self._catalogue_ctl

    def is_alive(self) -> bool:
        return self._data.is_alive()

    def close(self) -> None:
        self._data.close()
