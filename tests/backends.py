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

"""Real backends for tests: where they are, and whether to skip or fail.

Each backend URL comes from ``ZAQAR_TEST_<NAME>_URL`` and defaults to the
machine's service. A backend that cannot be reached skips its tests locally
but fails them when ``ZAQAR_TEST_REQUIRE_BACKENDS=1`` (CI).
"""

from __future__ import annotations

import os
import socket
import tempfile
import unittest
import uuid
from urllib.parse import urlsplit

DEFAULT_URLS = {
    'postgresql': 'postgresql://postgres@127.0.0.1:5432/test',
    'mysql': 'mysql+pymysql://root@127.0.0.1:3306/mysql',
    'redis': 'redis://127.0.0.1:6379',
    'mongodb': None,  # no default server: see ../shared/mongodb.md
    'rabbit': 'rabbit://guest:guest@127.0.0.1:5672/',
}


def required() -> bool:
    """Whether unreachable backends are failures (CI) rather than skips."""
    return os.environ.get('ZAQAR_TEST_REQUIRE_BACKENDS') == '1'


def url(name: str) -> str | None:
    return os.environ.get(f'ZAQAR_TEST_{name.upper()}_URL',
                          DEFAULT_URLS[name])


def unavailable(testcase, name: str, why: str):
    """Skip (locally) or fail (CI) a test whose backend is missing."""
    message = f'{name} backend unavailable: {why}'
    if required():
        testcase.fail(message)
    testcase.skipTest(message)


def class_url(name: str) -> str:
    """The URL of backend ``name`` for a setUpClass: SkipTest when it
    cannot be reached locally, a failure in CI."""
    address = url(name)
    if not reachable(address):
        message = f'{name} unreachable at {address}'
        if required():
            raise AssertionError(message)
        raise unittest.SkipTest(message)
    return address


def reachable(address: str) -> bool:
    """TCP connect probe for a URL's host:port."""
    parts = urlsplit(address)
    host = parts.hostname or '127.0.0.1'
    port = parts.port
    if port is None:
        return True
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def unique_name(prefix: str = 'zt') -> str:
    return f'{prefix}_{os.getpid()}_{uuid.uuid4().hex[:10]}'


class Backend:
    """Creates a private database/namespace on a server and drops it."""

    name = ''
    driver = ''

    def __init__(self, testcase):
        self.testcase = testcase

    def setup(self) -> tuple[str, dict]:
        """Return (uri, driver options) of a fresh private store."""
        raise NotImplementedError

    def cleanup(self) -> None:
        """Drop what setup() made."""


class SQLiteBackend(Backend):
    name = driver = 'sqlite'
    driver = 'sqlalchemy'

    def setup(self):
        self._dir = tempfile.mkdtemp(prefix='zaqar-test-')
        return 'sqlite:///' + os.path.join(self._dir, 'zaqar.db'), {}

    def cleanup(self):
        import shutil
        shutil.rmtree(self._dir, ignore_errors=True)


class _SQLServerBackend(Backend):
    """A private database on a PostgreSQL or MySQL server."""

    driver = 'sqlalchemy'
    drop_statement = 'DROP DATABASE IF EXISTS {db}'

    def setup(self):
        import sqlalchemy as sa
        base = url(self.name)
        if not reachable(base):
            unavailable(self.testcase, self.name, f'{base} not reachable')
        self._db = unique_name()
        self._admin = sa.create_engine(base, isolation_level='AUTOCOMMIT')
        with self._admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE {self._db}'))
        return str(sa.engine.make_url(base).set(database=self._db)
                   .render_as_string(hide_password=False)), {}

    def cleanup(self):
        import sqlalchemy as sa
        with self._admin.connect() as conn:
            conn.execute(sa.text(self.drop_statement.format(db=self._db)))
        self._admin.dispose()


class PostgreSQLBackend(_SQLServerBackend):
    name = 'postgresql'
    drop_statement = 'DROP DATABASE IF EXISTS {db} WITH (FORCE)'


class MySQLBackend(_SQLServerBackend):
    name = 'mysql'


class RedisBackend(Backend):
    """A Redis database number per worker; tests keep to unique projects."""

    name = driver = 'redis'

    def setup(self):
        import redis
        base = url('redis')
        if not reachable(base):
            unavailable(self.testcase, self.name, f'{base} not reachable')
        # Databases 1-15 are for tests; pick one by pid so parallel
        # workers rarely share one, and tests use unique projects anyway.
        self._dbid = 1 + os.getpid() % 15
        self._client = redis.Redis.from_url(base, db=self._dbid)
        sep = '&' if '?' in base else '?'
        return f'{base}{sep}dbid={self._dbid}', {}

    def cleanup(self):
        self._client.close()


class MongoDBBackend(Backend):
    name = driver = 'mongodb'

    def setup(self):
        base = url('mongodb')
        if not base:
            unavailable(self.testcase, self.name,
                        'ZAQAR_TEST_MONGODB_URL is not set')
        import pymongo
        # The emulator is a Python process: on a busy machine its first
        # answer can take several seconds.
        self._client = pymongo.MongoClient(base,
                                           serverSelectionTimeoutMS=15000)
        try:
            self._client.admin.command('ping')
        except Exception as exc:  # set but broken: always a failure
            self.testcase.fail(f'MongoDB at {base} does not answer: {exc}')
        self._db = unique_name()
        return base, {'database': self._db}

    def cleanup(self):
        self._client.drop_database(self._db)
        self._client.close()


ALL = {
    'sqlite': SQLiteBackend,
    'postgresql': PostgreSQLBackend,
    'mysql': MySQLBackend,
    'redis': RedisBackend,
    'mongodb': MongoDBBackend,
}


class PooledBackend(Backend):
    """The pooling router: a SQLite management store and the pools of
    ``tests.pooled_backend.POOLS`` (two private Redis servers, SQLite)."""

    name = driver = 'pooled'

    def setup(self):
        from tests import pooled_backend
        from zaqar.storage.sqlalchemy import management
        if not pooled_backend.have_redis_server():
            unavailable(self.testcase, self.name, 'redis-server not installed')
        self._dir = tempfile.mkdtemp(prefix='zaqar-pooled-')
        store_uri = 'sqlite:///' + os.path.join(self._dir, 'management.db')
        store = management.ControlDriver(store_uri)
        try:
            self._servers = pooled_backend.start_pools(self._dir, store)
        finally:
            store.close()
        # A short cache: the suite's "second worker" tests see changes soon.
        return store_uri, {'cache_ttl': 1.0}

    def cleanup(self):
        import shutil
        for server in self._servers:
            server.stop()
        shutil.rmtree(self._dir, ignore_errors=True)


ALL['pooled'] = PooledBackend
