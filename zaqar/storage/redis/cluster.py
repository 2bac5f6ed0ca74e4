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

"""Redis Cluster: commands routed by hash slot over redis-py's topology.

redis-py's RedisCluster keeps the slot map, the nodes and their pools, and
learns a new map after a failover. The driver does not send commands
through it (see wire.py): :class:`ClusterWire` finds the master of the
slot of a command's first key and writes on that node's pool. Every
script call touches one slot (keys.ClusterLayout), so one node serves it.

A redirection (MOVED, ASK), TRYAGAIN or CLUSTERDOWN, like a lost
connection, refreshes the slot map and is raised as a connection error,
so resilience.Executor retries it within its time budget (an ASK is
retried until the slot's migration ends instead of being followed: the
call is atomic on whichever node owns the slot). Scripts are loaded on
every node, replicas included, so a promoted replica has them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any

import redis
from redis import cluster as redis_cluster
from redis import exceptions as redis_errors

from zaqar.storage.redis import wire

LOG = logging.getLogger(__name__)

# Replies that mean "the slot map changed or is changing".
_REDIRECTS = (redis_errors.AskError, redis_errors.TryAgainError,
              redis_errors.ClusterDownError)


def make_cluster(settings: Any) -> redis_cluster.RedisCluster:
    """A RedisCluster client (connects to read the slot map)."""
    kwargs: dict[str, Any] = {
        'username': settings.username,
        'password': settings.password,
        'socket_timeout': settings.socket_timeout,
        'socket_connect_timeout': settings.socket_connect_timeout,
        'socket_keepalive': True,
        # RESP2 replies, as the single-server client gets (wire.py reads
        # them unparsed).
        'protocol': 2,
    }
    if settings.max_connections:
        kwargs['max_connections'] = settings.max_connections
    if settings.ssl:
        kwargs['ssl'] = True
        kwargs.update(dict(settings.ssl_options))
    nodes = [redis_cluster.ClusterNode(host, port)
             for host, port in settings.hosts]
    return redis_cluster.RedisCluster(startup_nodes=nodes, **kwargs)


class ClusterWire(wire.Wire):
    """A Wire whose pool is chosen per command by its key's slot."""

    def __init__(self, settings: Any, scripts: Any, replicas: int = 0,
                 wait_timeout: int = 1000):
        super().__init__(None, scripts, replicas, wait_timeout)
        self.settings = settings
        self._client: redis_cluster.RedisCluster | None = None
        self._lock = threading.Lock()
        # resilience.Executor drops "idle connections" through this.
        self.pool = self

    @property
    def client(self) -> redis_cluster.RedisCluster:
        """The topology, built on first use (the cluster may be down when
        the driver is made)."""
        if self._client is None:
            with self._lock:
                if self._client is None:
                    try:
                        self._client = make_cluster(self.settings)
                    except redis_errors.RedisError:
                        raise
                    except Exception as exc:  # RedisClusterException
                        raise redis_errors.ConnectionError(
                            f'Redis Cluster unreachable: {exc}') from exc
        return self._client

    def _pool_for(self, command: Sequence[Any]) -> Any:
        name = str(command[0]).upper()
        key = command[3] if name in ('EVALSHA', 'EVAL') else command[1]
        client = self.client
        slot = client.keyslot(key)
        node = client.nodes_manager.get_node_from_slot(slot)
        return client.get_redis_connection(node).connection_pool

    def disconnect(self, inuse_connections: bool = False) -> None:
        """Called after a failed attempt: learn the slot map again."""
        if self._client is None:
            return
        with self._lock:
            try:
                self._client.nodes_manager.initialize()
            except Exception as exc:  # nothing reachable yet: next attempt
                LOG.debug('Redis Cluster slot map not refreshed: %s', exc)

    def _routed(self, send: Any, *args: Any) -> Any:
        try:
            return send(*args)
        except _REDIRECTS as exc:
            self.disconnect()
            raise redis_errors.ConnectionError(
                f'Redis Cluster redirected the call: {exc}') from exc

    def call(self, *args: Any) -> Any:
        return self._routed(super().call, *args)

    def batch(self, commands: Sequence[Sequence[Any]]) -> list:
        if str(commands[0][0]).upper() == 'SCRIPT':
            return self._on_every_node(commands)
        return self._routed(super().batch, commands)

    def _on_every_node(self, commands: Sequence[Sequence[Any]]) -> list:
        """SCRIPT LOAD on masters and replicas; replies of the last."""
        replies: list = []
        for node in self.client.get_nodes():
            pool = self.client.get_redis_connection(node).connection_pool
            conn = pool.get_connection(*self._acquire_args)
            try:
                conn.send_packed_command(conn.pack_commands(commands),
                                         check_health=False)
                replies = [conn.read_response() for _ in commands]
            except redis_errors.ConnectionError:
                conn.disconnect()  # a dead node: loaded when it is back
            finally:
                pool.release(conn)
        if not replies:
            raise redis_errors.ConnectionError('no cluster node answered')
        return replies

    def primaries(self) -> list[redis.Redis]:
        return [self.client.get_redis_connection(node)
                for node in self.client.get_primaries()]

    def ping(self) -> bool:
        return all(client.ping() for client in self.primaries())

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
