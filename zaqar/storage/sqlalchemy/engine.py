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

"""Engines per database family, and the transaction runner of every call.

SQLite runs in WAL mode with our own ``BEGIN``: read transactions are
deferred (readers never block the writer), write transactions take the
write lock up front with ``BEGIN IMMEDIATE`` so they never fail half way on
a lock upgrade. Threads of one process also queue on an in-process lock
before writing, which is much cheaper than SQLite's sleeping busy handler;
other processes wait through ``busy_timeout``.

PostgreSQL and MariaDB/MySQL use READ COMMITTED with pre-pinged pools;
deadlocks, serialization failures and lock timeouts are retried a few
times. Reads go through a second pool in autocommit mode: under READ
COMMITTED every statement sees its own snapshot anyway, and skipping
BEGIN/COMMIT saves two round trips per read. Everything else the database
raises becomes ``StorageUnavailable``.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import random
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy import pool as sa_pool

from zaqar.storage import errors

LOG = logging.getLogger(__name__)

T = TypeVar('T')

# Attempts of a transaction that hit a deadlock or lock timeout.
MAX_ATTEMPTS = 6
# Seconds SQLite waits for another process's write lock.
SQLITE_BUSY_SECONDS = 30
# Seconds to wait for a TCP connection before answering 503.
CONNECT_TIMEOUT = 5

# PostgreSQL SQLSTATEs worth retrying: serialization failure, deadlock,
# lock not available.
_PG_RETRY = {'40001', '40P01', '55P03'}
# MySQL error numbers worth retrying: lock wait timeout, deadlock.
_MYSQL_RETRY = {1205, 1213}

# One write lock per SQLite file shared by every engine of this process.
_SQLITE_LOCKS: dict[str, threading.Lock] = {}
_SQLITE_LOCKS_GUARD = threading.Lock()


def family(url: sa.engine.URL) -> str:
    """'sqlite', 'postgresql' or 'mysql' for a URL (dialect names vary)."""
    backend = url.get_backend_name()
    return 'mysql' if backend == 'mariadb' else backend


def _sqlite_lock(path: str) -> threading.Lock:
    key = os.path.abspath(path) if path else ':memory:'
    with _SQLITE_LOCKS_GUARD:
        return _SQLITE_LOCKS.setdefault(key, threading.Lock())


def _sqlite_engine(url: sa.engine.URL) -> sa.engine.Engine:
    path = url.database or ''
    memory = path in ('', ':memory:') or path.startswith('file::memory:')
    if memory:
        # One shared connection: each new one would be another database.
        engine = sa.create_engine(
            url, poolclass=sa_pool.StaticPool,
            connect_args={'check_same_thread': False})
    else:
        directory = os.path.dirname(os.path.abspath(path))
        os.makedirs(directory, exist_ok=True)
        engine = sa.create_engine(
            url, pool_size=8, max_overflow=16,
            connect_args={'check_same_thread': False,
                          'timeout': SQLITE_BUSY_SECONDS})

    @event.listens_for(engine, 'connect')
    def _on_connect(dbapi_conn, _record):
        # Let us issue BEGIN ourselves (see the begin hook).
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute(f'PRAGMA busy_timeout = {SQLITE_BUSY_SECONDS * 1000}')
        cursor.execute('PRAGMA journal_mode = WAL')
        # NORMAL is crash-safe in WAL mode; only an OS crash may lose the
        # last commits.
        cursor.execute('PRAGMA synchronous = NORMAL')
        cursor.execute('PRAGMA foreign_keys = ON')
        cursor.close()

    @event.listens_for(engine, 'begin')
    def _on_begin(conn):
        mode = conn.get_execution_options().get('sqlite_begin', 'DEFERRED')
        conn.exec_driver_sql(f'BEGIN {mode}')

    return engine


def _server_engine(url: sa.engine.URL, kind: str,
                   reads: bool) -> sa.engine.Engine:
    kwargs: dict[str, Any] = {
        'pool_pre_ping': True,
        'pool_recycle': 3600,
        'pool_size': 8,
        'max_overflow': 16,
        'pool_timeout': 10,
        'isolation_level': 'READ COMMITTED',
    }
    if reads:
        kwargs.update(isolation_level='AUTOCOMMIT',
                      skip_autocommit_rollback=True)
    if kind == 'mysql':
        if 'charset' not in url.query:
            url = url.update_query_dict({'charset': 'utf8mb4'})
        kwargs['connect_args'] = {'connect_timeout': CONNECT_TIMEOUT}
    elif kind == 'postgresql':
        kwargs['connect_args'] = {'connect_timeout': CONNECT_TIMEOUT}
    return sa.create_engine(url, **kwargs)


# Installed DB-API modules to use when a URL names no driver, by preference:
# SQLAlchemy 2.1 would pick psycopg (3) and MySQLdb, often not installed.
_DEFAULT_DRIVERS = {
    'postgresql': (('psycopg2', 'psycopg2'), ('psycopg', 'psycopg')),
    'mysql': (('pymysql', 'pymysql'), ('MySQLdb', 'mysqldb')),
    'mariadb': (('pymysql', 'pymysql'), ('MySQLdb', 'mysqldb')),
}


def resolve_url(uri: str) -> sa.engine.URL:
    """Parse ``uri``, choosing an installed driver when it names none."""
    url = sa.engine.make_url(uri)
    choices = _DEFAULT_DRIVERS.get(url.drivername)
    if choices:
        for module, driver in choices:
            if importlib.util.find_spec(module) is not None:
                return url.set(drivername=f'{url.drivername}+{driver}')
    return url


def create_engine(uri: str, *, reads: bool = False) -> sa.engine.Engine:
    """An engine configured for the database family of ``uri``.

    :param reads: for a database server, an autocommit engine for
        read-only statements (SQLite ignores it).
    """
    url = resolve_url(uri)
    kind = family(url)
    if kind == 'sqlite':
        return _sqlite_engine(url)
    if kind in ('postgresql', 'mysql'):
        return _server_engine(url, kind, reads)
    raise ValueError(f'Unsupported database URL scheme: {url.drivername}')


def _retryable(exc: sa.exc.DBAPIError, kind: str, attempt: int) -> bool:
    """Whether a failed transaction may simply be run again."""
    if exc.connection_invalidated:
        # A pooled connection died (server restart): one fresh try.
        return attempt == 1
    orig = exc.orig
    if kind == 'postgresql':
        return getattr(orig, 'pgcode', None) in _PG_RETRY
    if kind == 'mysql':
        args = getattr(orig, 'args', ())
        return bool(args) and args[0] in _MYSQL_RETRY
    if kind == 'sqlite':
        text = str(orig).lower()
        return 'locked' in text or 'busy' in text
    return False


class Database:
    """An engine plus the transaction discipline of its database family."""

    def __init__(self, uri: str, *,
                 prepare: Callable[[sa.engine.Engine], None] | None = None):
        """:param prepare: run once before the first transaction (schema
        check); retried on the next call if it fails."""
        self.url = resolve_url(uri)
        self.kind = family(self.url)
        self.engine = create_engine(uri)
        self.read_engine = (self.engine if self.kind == 'sqlite'
                            else create_engine(uri, reads=True))
        self._prepare = prepare
        self._prepared = prepare is None
        self._prepare_lock = threading.Lock()
        self._sqlite_lock = (_sqlite_lock(self.url.database or '')
                             if self.kind == 'sqlite' else None)

    @property
    def sqlite(self) -> bool:
        return self.kind == 'sqlite'

    def read(self, fn: Callable[[sa.Connection], T]) -> T:
        """Run ``fn(conn)`` in a read transaction."""
        return self._run(fn, write=False, conflict=None)

    def write(self, fn: Callable[[sa.Connection], T], *,
              conflict: Callable[[], Exception] | None = None) -> T:
        """Run ``fn(conn)`` in a write transaction, retrying lock conflicts.

        :param conflict: builds the exception for an IntegrityError (a
            unique constraint lost to a concurrent writer); without it an
            IntegrityError is StorageUnavailable.
        """
        return self._run(fn, write=True, conflict=conflict)

    def _ensure_prepared(self) -> None:
        with self._prepare_lock:
            if not self._prepared:
                self._prepare(self.engine)
                self._prepared = True

    def _run(self, fn, *, write: bool, conflict) -> Any:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                if not self._prepared:
                    self._ensure_prepared()
                return self._attempt(fn, write)
            except sa.exc.IntegrityError as exc:
                if conflict is not None:
                    raise conflict() from exc
                LOG.error('Integrity error from %s: %s', self.kind, exc.orig)
                raise errors.StorageUnavailable(
                    'The database refused the change') from exc
            except sa.exc.DBAPIError as exc:
                if (attempt < MAX_ATTEMPTS
                        and _retryable(exc, self.kind, attempt)):
                    LOG.debug('Retrying a transaction after: %s', exc.orig)
                    time.sleep(random.uniform(0.001, 0.01) * attempt)  # nosec B311
                    continue
                LOG.error('Database %s failed: %s', self.kind, exc.orig)
                raise errors.StorageUnavailable(
                    'The database is unavailable') from exc
            except sa.exc.SQLAlchemyError as exc:
                LOG.exception('Database %s failed', self.kind)
                raise errors.StorageUnavailable(
                    'The database is unavailable') from exc
            except (ValueError, OverflowError) as exc:
                # DB-API modules raise these for values they cannot send
                # (a NUL in a PostgreSQL string, an unencodable character).
                LOG.exception('Database %s refused a value', self.kind)
                raise errors.StorageUnavailable(
                    'The database refused a value') from exc
        raise AssertionError('unreachable')

    def _attempt(self, fn, write: bool) -> Any:
        if not write and not self.sqlite:
            with self.read_engine.connect() as conn:
                return fn(conn)
        if write and self._sqlite_lock is not None:
            with self._sqlite_lock:
                return self._transaction(fn, 'IMMEDIATE')
        return self._transaction(fn, 'DEFERRED')

    def _transaction(self, fn, sqlite_begin: str) -> Any:
        with self.engine.connect() as conn:
            if self.sqlite:
                conn.execution_options(sqlite_begin=sqlite_begin)
            with conn.begin():
                return fn(conn)

    def ping(self) -> bool:
        """``SELECT 1``; never raises."""
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql('SELECT 1')
            return True
        except Exception:  # noqa: BLE001 - any failure means "not alive"
            return False

    def dispose(self) -> None:
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()
