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

"""Transaction discipline of the SQL driver: SQLite WAL, BEGIN IMMEDIATE,
SKIP LOCKED, retries and the mapping of failures to StorageUnavailable."""

from __future__ import annotations

import time

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import mysql, postgresql, sqlite

from tests.unit.storage import test_sqlalchemy_base as sql_base
from zaqar.storage import errors
from zaqar.storage.sqlalchemy import driver as sql_driver
from zaqar.storage.sqlalchemy import engine as sql_engine
from zaqar.storage.sqlalchemy import messages as sql_messages


class _FakeOrig(Exception):
    """Stands in for a DB-API error object to test the retry rules."""

    def __init__(self, *args, pgcode=None):
        super().__init__(*args)
        self.pgcode = pgcode


def _dbapi_error(orig: Exception) -> sa.exc.DBAPIError:
    return sa.exc.OperationalError('SELECT 1', {}, orig)


class URLTest(sql_base.SQLTestCase):

    def test_bare_postgresql_url_uses_an_installed_driver(self):
        url = sql_engine.resolve_url('postgresql://u@h/db')
        self.assertIn(url.drivername, ('postgresql+psycopg2',
                                       'postgresql+psycopg'))

    def test_bare_mysql_url_uses_pymysql(self):
        url = sql_engine.resolve_url('mysql://u@h/db')
        self.assertEqual('mysql+pymysql', url.drivername)

    def test_explicit_driver_is_kept(self):
        url = sql_engine.resolve_url('mysql+pymysql://u@h/db')
        self.assertEqual('mysql+pymysql', url.drivername)

    def test_unknown_scheme_is_refused(self):
        self.assertRaises(ValueError, sql_engine.create_engine,
                          'oracle://u@h/db')


class RetryRulesTest(sql_base.SQLTestCase):

    def test_postgresql_deadlock_and_serialization_failures_retry(self):
        for code in ('40001', '40P01', '55P03'):
            exc = _dbapi_error(_FakeOrig('x', pgcode=code))
            self.assertTrue(sql_engine._retryable(exc, 'postgresql', 1))
        exc = _dbapi_error(_FakeOrig('x', pgcode='42P01'))
        self.assertFalse(sql_engine._retryable(exc, 'postgresql', 1))

    def test_mysql_deadlock_and_lock_wait_timeout_retry(self):
        for code in (1213, 1205):
            exc = _dbapi_error(_FakeOrig(code, 'msg'))
            self.assertTrue(sql_engine._retryable(exc, 'mysql', 1))
        exc = _dbapi_error(_FakeOrig(1146, 'no such table'))
        self.assertFalse(sql_engine._retryable(exc, 'mysql', 1))

    def test_sqlite_busy_retries(self):
        exc = _dbapi_error(_FakeOrig('database is locked'))
        self.assertTrue(sql_engine._retryable(exc, 'sqlite', 1))


class SkipLockedTest(sql_base.SQLTestCase):

    def test_claim_selection_skips_locked_rows_on_servers(self):
        for dialect in (postgresql.dialect(), mysql.dialect()):
            text = str(sql_messages.CLAIMABLE.compile(dialect=dialect))
            self.assertIn('FOR UPDATE SKIP LOCKED', text)

    def test_sqlite_has_no_row_locks_to_ask_for(self):
        text = str(sql_messages.CLAIMABLE.compile(dialect=sqlite.dialect()))
        self.assertNotIn('FOR UPDATE', text)


class ServerLockingMixin:
    """Rows locked by another transaction are skipped, not waited for."""

    kind = ''

    def test_claim_skips_rows_another_transaction_holds(self):
        driver = self.make_driver(self.kind)
        ids = driver.message_controller.post(
            'q', [{'body': i, 'ttl': 300} for i in range(4)], project='p',
            client_uuid='c')
        qid = driver.queue_controller  # first call created the schema
        self.assertTrue(qid.exists('q', project='p'))
        with driver.db.engine.connect() as other, other.begin():
            queue_id = other.execute(sa.text(
                "SELECT id FROM queues WHERE name = 'q'")).scalar()
            held = other.execute(sql_messages.CLAIMABLE, {
                'queue_id': queue_id, 'now': time.time(),
                'limit': 2}).all()
            self.assertEqual(ids[:2], [row.id for row in held])
            started = time.monotonic()
            _, claimed = driver.claim_controller.create(
                'q', project='p', ttl=60, grace=60, limit=10)
            self.assertLess(time.monotonic() - started, 5)
            self.assertEqual(ids[2:], [m.id for m in claimed])


class PostgreSQLLockingTest(ServerLockingMixin, sql_base.SQLTestCase):
    kind = 'postgresql'


class MySQLLockingTest(ServerLockingMixin, sql_base.SQLTestCase):
    kind = 'mysql'


class SQLiteTransactionsTest(sql_base.SQLTestCase):

    def test_wal_mode_foreign_keys_and_busy_timeout_are_on(self):
        driver = self.make_driver('sqlite')
        driver.queue_controller.create('q', project='p')
        with driver.db.engine.connect() as conn:
            def pragma(name):
                return conn.exec_driver_sql(f'PRAGMA {name}').scalar()
            self.assertEqual('wal', pragma('journal_mode'))
            self.assertEqual(1, pragma('foreign_keys'))
            self.assertEqual(sql_engine.SQLITE_BUSY_SECONDS * 1000,
                             pragma('busy_timeout'))

    def test_writes_begin_immediate_and_reads_begin_deferred(self):
        driver = self.make_driver('sqlite')
        driver.queue_controller.create('q', project='p')
        seen: list[str] = []

        @event.listens_for(driver.db.engine, 'before_cursor_execute')
        def record(conn, cursor, statement, *args):
            if statement.startswith('BEGIN'):
                seen.append(statement)

        driver.message_controller.post('q', [{'body': 1, 'ttl': 60}],
                                       project='p', client_uuid='c')
        self.assertEqual(['BEGIN IMMEDIATE'], seen)
        seen.clear()
        driver.message_controller.list('q', project='p')
        self.assertEqual(['BEGIN DEFERRED'], seen)

    def test_a_second_process_writer_waits_instead_of_failing(self):
        uri = self.database_uri('sqlite')
        driver = self.make_driver('sqlite', uri)
        driver.queue_controller.create('q', project='p')
        # Hold the write lock from a separate engine (another "process").
        other = sa.create_engine(uri, poolclass=sa.pool.NullPool)
        self.addCleanup(other.dispose)
        conn = other.raw_connection()
        conn.isolation_level = None
        conn.execute('BEGIN IMMEDIATE')
        released = []

        def release() -> None:
            time.sleep(0.5)
            conn.execute('COMMIT')
            conn.close()
            released.append(True)

        import threading
        threading.Thread(target=release).start()
        driver.message_controller.post('q', [{'body': 1, 'ttl': 60}],
                                       project='p', client_uuid='c')
        self.assertEqual([True], released)
        self.assertEqual(1, driver.queue_controller.stats(
            'q', project='p').free)


class UnavailableTest(sql_base.SQLTestCase):

    def test_unreachable_server_is_storage_unavailable(self):
        driver = sql_driver.DataDriver(
            'postgresql://nobody@127.0.0.1:1/zaqar')
        self.addCleanup(driver.close)
        self.assertFalse(driver.is_alive())
        started = time.monotonic()
        self.assertRaises(errors.StorageUnavailable,
                          driver.queue_controller.exists, 'q', project='p')
        self.assertLess(time.monotonic() - started, 10)

    def test_unencodable_value_is_storage_unavailable_not_a_crash(self):
        base = sql_base.backends.url('postgresql')
        if not sql_base.backends.reachable(base):
            sql_base.backends.unavailable(self, 'postgresql', 'down')
        driver = self.make_driver('postgresql')
        self.assertRaises(errors.StorageUnavailable,
                          driver.queue_controller.exists, 'q',
                          project='nul\x00byte')
