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

"""The Redis management store: pools, flavors and the catalogue.

Keys (``<ns>`` is the ``namespace`` option, ``zaqar-mgmt`` by default, so
one Redis database can hold a message store and a management store)::

    <ns>:pools                    ZSET pool names (score 0: by name)
    <ns>:pool:<name>              HASH uri, weight, options[, flavor]
    <ns>:pool-uris                HASH uri -> pool name
    <ns>:flavors                  ZSET flavor names
    <ns>:flavor:<name>            HASH capabilities
    <ns>:catalogue:<project>      HASH queue -> pool
    <ns>:pool-queues:<pool>       SET "<project>\\n<queue>" placed on it
    <ns>:project-pools:<project>  HASH pool -> number of the project's queues

Every change touching several keys is one Lua script of
``control_scripts/`` (loaded once, called by SHA). Some scripts reach
keys through a prefix argument rather than KEYS; on Redis Cluster
(``redis+cluster://``) the namespace is therefore wrapped in a hash tag
(``{<ns>}:pools``, ...) so that every key of the store shares one slot
(the store is small: one node holds it). Single-server keys are unchanged.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from redis import cluster as redis_cluster
from redis import exceptions as redis_errors

from zaqar.storage import control, errors
from zaqar.storage.redis import cluster, connection

T = TypeVar('T')

SCRIPT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                          'control_scripts')
DEFAULT_NAMESPACE = 'zaqar-mgmt'


def _text(value: Any) -> Any:
    return value.decode() if isinstance(value, bytes) else value


class _Store:
    """Key names, scripts and error mapping shared by the controllers."""

    def __init__(self, client: redis.Redis, namespace: str,
                 one_slot: bool = False):
        self.client = client
        self.prefix = ('{' + namespace + '}:') if one_slot else namespace + ':'
        self.scripts: dict[str, Any] = {}
        for filename in sorted(os.listdir(SCRIPT_DIR)):
            if filename.endswith('.lua'):
                with open(os.path.join(SCRIPT_DIR, filename),
                          encoding='utf-8') as f:
                    self.scripts[filename[:-4]] = client.register_script(
                        f.read())

    def key(self, *parts: str) -> str:
        return self.prefix + ':'.join(parts)

    def run(self, fn: Callable[[redis.Redis], T]) -> T:
        """Call ``fn(client)``; one retry on a lost connection, then 503."""
        for attempt in (1, 2):
            try:
                return fn(self.client)
            except (redis_errors.ConnectionError,
                    redis_errors.TimeoutError) as exc:
                if attempt == 2:
                    raise errors.StorageUnavailable(
                        'The Redis management store is unavailable') from exc
            except redis_errors.RedisError as exc:
                raise errors.StorageUnavailable(
                    f'The Redis management store failed: {exc}') from exc
            except redis_cluster.RedisClusterException as exc:
                raise errors.StorageUnavailable(
                    f'The Redis Cluster is unavailable: {exc}') from exc
        raise AssertionError('unreachable')

    def script(self, name: str, keys: list[str], args: list[Any]) -> Any:
        result = self.run(lambda c: self.scripts[name](keys, args, c))
        if isinstance(result, list):
            return [_text(item) for item in result]
        return _text(result)

    def page(self, zset: str, marker: str | None,
             limit: int | None) -> list[str]:
        """Names of a score-0 ZSET after ``marker``, in byte order."""
        low = '(' + marker if marker is not None else '-'
        if limit is None:
            names = self.run(lambda c: c.zrangebylex(zset, low, '+'))
        else:
            names = self.run(lambda c: c.zrangebylex(zset, low, '+', 0,
                                                     limit))
        return [_text(n) for n in names]


def _pool(name: str, fields: dict) -> control.Pool | None:
    if not fields:
        return None
    fields = {_text(k): _text(v) for k, v in fields.items()}
    return control.Pool(name=name, uri=fields['uri'],
                        weight=int(fields['weight']),
                        flavor=fields.get('flavor') or None,
                        options=json.loads(fields.get('options') or '{}'))


class PoolsController(control.PoolsController):
    def __init__(self, store: _Store):
        self._s = store

    def put(self, pool: control.Pool) -> bool:
        s = self._s
        result = s.script('pool_put', [
            s.key('pools'), s.key('pool', pool.name), s.key('pool-uris')],
            [pool.name, pool.uri, pool.weight, pool.flavor or '',
             json.dumps(pool.options)])
        if result[0] == 'conflict':
            raise control.PoolAlreadyExists(result[1])
        return result[0] == 'created'

    def get(self, name: str) -> control.Pool:
        pool = _pool(name, self._s.run(
            lambda c: c.hgetall(self._s.key('pool', name))))
        if pool is None:
            raise control.PoolDoesNotExist(name)
        return pool

    def list(self, *, marker: str | None = None,
             limit: int | None = 10) -> list[control.Pool]:
        s = self._s
        names = s.page(s.key('pools'), marker, limit)

        def read(c: redis.Redis) -> list:
            pipe = c.pipeline(transaction=False)
            for name in names:
                pipe.hgetall(s.key('pool', name))
            return pipe.execute()

        rows = s.run(read) if names else []
        return [p for p in (_pool(n, f) for n, f in zip(names, rows,
                                                        strict=True)) if p]

    def delete(self, name: str) -> None:
        s = self._s
        result = s.script('pool_delete', [
            s.key('pools'), s.key('pool', name), s.key('pool-uris'),
            s.key('pool-queues', name)], [name, s.prefix])
        if result[0] == 'in-use':
            raise control.PoolInUse(name)
        if result[0] == 'flavor':
            raise control.PoolInUseByFlavor(name, result[1])


class FlavorsController(control.FlavorsController):
    def __init__(self, store: _Store):
        self._s = store

    def put(self, name: str, pool_list: list[str],
            capabilities: dict | None = None) -> bool:
        s = self._s
        result = s.script('flavor_put', [
            s.key('pools'), s.key('flavors'), s.key('flavor', name)],
            [name, json.dumps(capabilities or {}), s.prefix,
             *sorted(set(pool_list))])
        if result[0] == 'missing':
            raise control.PoolDoesNotExist(result[1])
        return result[0] == 'created'

    def _members(self) -> dict[str, list[str]]:
        """Pool names by flavor."""
        members: dict[str, list[str]] = {}
        for pool in PoolsController(self._s).list(limit=None):
            if pool.flavor:
                members.setdefault(pool.flavor, []).append(pool.name)
        return members

    def get(self, name: str) -> control.Flavor:
        caps = self._s.run(lambda c: c.hget(self._s.key('flavor', name),
                                            'capabilities'))
        if caps is None:
            raise control.FlavorDoesNotExist(name)
        return control.Flavor(name, tuple(self._members().get(name, ())),
                              json.loads(_text(caps)))

    def list(self, *, marker: str | None = None,
             limit: int = 10) -> list[control.Flavor]:
        s = self._s
        names = s.page(s.key('flavors'), marker, limit)
        if not names:
            return []

        def read(c: redis.Redis) -> list:
            pipe = c.pipeline(transaction=False)
            for name in names:
                pipe.hget(s.key('flavor', name), 'capabilities')
            return pipe.execute()

        members = self._members()
        return [control.Flavor(n, tuple(members.get(n, ())),
                               json.loads(_text(caps)))
                for n, caps in zip(names, s.run(read), strict=True)
                if caps is not None]

    def delete(self, name: str) -> None:
        s = self._s
        s.script('flavor_delete', [s.key('pools'), s.key('flavors'),
                                   s.key('flavor', name)], [name, s.prefix])


class CatalogueController(control.CatalogueController):
    def __init__(self, store: _Store):
        self._s = store

    def get(self, project: str, queue: str) -> str | None:
        return _text(self._s.run(lambda c: c.hget(
            self._s.key('catalogue', project), queue)))

    def insert(self, project: str, queue: str, pool: str) -> str:
        s = self._s
        return s.script('catalogue_insert', [
            s.key('catalogue', project), s.key('pool-queues', pool),
            s.key('project-pools', project)],
            [queue, pool, f'{project}\n{queue}'])

    def _remove(self, project: str, queue: str, pool: str) -> None:
        s = self._s
        s.script('catalogue_remove', [
            s.key('catalogue', project), s.key('project-pools', project)],
            [queue, f'{project}\n{queue}', s.key('pool-queues', ''), pool])

    def move(self, project: str, queue: str, pool: str) -> None:
        self._remove(project, queue, pool)

    def delete(self, project: str, queue: str) -> None:
        self._remove(project, queue, '')

    def pools_of(self, project: str) -> set[str]:
        return {_text(p) for p in self._s.run(lambda c: c.hkeys(
            self._s.key('project-pools', project)))}

    def count(self, pool: str) -> int:
        return int(self._s.run(lambda c: c.scard(
            self._s.key('pool-queues', pool))))


class ControlDriver(control.ControlDriver):
    """Pools, flavors and catalogue in Redis (URI as the data driver's;
    option ``namespace`` prefixes every key)."""

    name = 'redis'
    option_group = 'drivers:management_store:redis'

    def __init__(self, uri: str, options: dict[str, Any] | None = None):
        super().__init__(uri, options)
        settings = connection.parse_uri(uri)
        on_cluster = settings.kind == 'cluster'
        self.client = (cluster.make_cluster(settings) if on_cluster
                       else connection.make_client(settings))
        store = _Store(self.client,
                       self.options.get('namespace') or DEFAULT_NAMESPACE,
                       one_slot=on_cluster)
        self._pools = PoolsController(store)
        self._flavors = FlavorsController(store)
        self._catalogue = CatalogueController(store)

    @property
    def pools_controller(self) -> PoolsController:
        return self._pools

    @property
    def flavors_controller(self) -> FlavorsController:
        return self._flavors

    @property
    def catalogue_controller(self) -> CatalogueController:
        return self._catalogue

    def is_alive(self) -> bool:
        try:
            return bool(self.client.ping())
        except redis_errors.RedisError:
            return False

    def close(self) -> None:
        self.client.close()
        pool = getattr(self.client, 'connection_pool', None)
        if pool is not None:  # a RedisCluster has one pool per node
            pool.disconnect()
