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

"""Live pooled servers for functional tests: private Redis pools, a SQLite
management store shared by every server of a test class."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import unittest

from tests import backends, pooled_backend
from tests.functional import server as fserver

ADMIN = 'admin'


class PooledServers:
    """Private Redis servers plus zaqar-server processes on one management
    store (SQLite), with ``admin_mode`` and ``pooling`` on."""

    def __init__(self, testcase: unittest.TestCase, *, redis: int = 2,
                 cache_ttl: float = 1.0):
        if not pooled_backend.have_redis_server():
            backends.unavailable(testcase, 'redis',
                                 'redis-server not installed')
        self.dir = tempfile.mkdtemp(prefix='zaqar-pools-')
        self.cache_ttl = cache_ttl
        self.management_uri = 'sqlite:///' + os.path.join(self.dir,
                                                          'management.db')
        self.redis: list[pooled_backend.PrivateRedis] = []
        self.servers: list[fserver.Server] = []
        try:
            for i in range(redis):
                directory = os.path.join(self.dir, f'redis-{i}')
                os.makedirs(directory)
                self.redis.append(
                    pooled_backend.PrivateRedis(directory).start())
        except Exception:
            self.stop()
            raise

    def sqlite_uri(self, name: str) -> str:
        return 'sqlite:///' + os.path.join(self.dir, f'{name}.db')

    def start_server(self, workers: int = 1) -> fserver.Server:
        srv = fserver.Server(self.sqlite_uri('unused-message-store'),
                             'sqlalchemy', 'admin_mode = true',
                             workers=workers)
        # oslo.config merges repeated sections ([DEFAULT], [drivers]); a
        # config file means the reference's default stores (mongodb), so
        # the management store is named.
        with open(srv.config, 'a') as f:
            f.write(f'\n[DEFAULT]\npooling = true\n\n'
                    f'[drivers]\nmanagement_store = sqlalchemy\n\n'
                    f'[drivers:management_store:sqlalchemy]\n'
                    f'uri = {self.management_uri}\n\n'
                    f'[pooling:catalog]\ncache_ttl = {self.cache_ttl}\n')
        self.servers.append(srv)
        return srv.start()

    def settle(self) -> None:
        """Wait until every worker's catalog cache has seen the pools
        registered so far (a worker that looked before keeps its answer
        for ``cache_ttl`` seconds)."""
        time.sleep(self.cache_ttl + 0.2)

    def store(self):
        """A management store client on the servers' store."""
        from zaqar.storage.sqlalchemy import management
        return management.ControlDriver(self.management_uri)

    def stop(self) -> None:
        for srv in self.servers:
            srv.stop()
            shutil.rmtree(srv.dir, ignore_errors=True)
        for server in self.redis:
            server.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def admin(url: str, **kwargs) -> fserver.Client:
    return fserver.Client(url, roles=ADMIN, **kwargs)


def register(client: fserver.Client, name: str, uri: str, weight: int = 100,
             **extra) -> None:
    resp = client.put(f'/v2/pools/{name}',
                      json={'uri': uri, 'weight': weight, **extra})
    if resp.status_code != 201:
        raise AssertionError(f'pool {name}: {resp.status_code} {resp.text}')


class PooledServerBase(unittest.TestCase):
    """One pooled server for the class, with ``redis_servers`` private
    Redis servers and the pools ``pools(env)`` names registered."""

    redis_servers = 0

    @classmethod
    def pools(cls, env) -> list[tuple[str, str]]:
        return []

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = PooledServers(cls, redis=cls.redis_servers)
        try:
            cls.server = cls.env.start_server()
            admin_client = admin(cls.server.url)
            for name, uri in cls.pools(cls.env):
                register(admin_client, name, uri)
        except BaseException:
            cls.env.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.env.stop()
        super().tearDownClass()


class TwoPoolServerCase(PooledServerBase):
    """Pools ``redis-a`` (Redis) and ``sqlite``."""

    redis_servers = 1

    @classmethod
    def pools(cls, env) -> list[tuple[str, str]]:
        return [('redis-a', env.redis[0].url),
                ('sqlite', env.sqlite_uri('pool'))]
