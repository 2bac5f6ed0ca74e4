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

"""The SQL schema: alembic migrations on SQLite, PostgreSQL, MariaDB/MySQL."""

from __future__ import annotations

import os
import threading

import sqlalchemy as sa
from alembic import autogenerate
from alembic.runtime import migration as alembic_migration

from tests.unit.storage import test_sqlalchemy_base as sql_base
from zaqar.storage.sqlalchemy import engine as sql_engine
from zaqar.storage.sqlalchemy import migration, tables


class MigrationsMixin:
    """Run against each database kind (``kind`` set by subclasses)."""

    kind = ''

    def engine(self) -> sa.engine.Engine:
        engine = sql_engine.create_engine(self.database_uri(self.kind))
        self.addCleanup(engine.dispose)
        return engine

    def test_upgrade_to_head_matches_the_table_definitions(self):
        engine = self.engine()
        migration.upgrade(engine)
        self.assertEqual(migration.head(), migration.version(engine))
        with engine.connect() as conn:
            ctx = alembic_migration.MigrationContext.configure(
                conn, opts={'compare_type': True})
            diff = autogenerate.compare_metadata(ctx, tables.metadata)
        # The version table is alembic's, not ours to declare.
        diff = [d for d in diff if not (
            d[0] == 'remove_table' and d[1].name == migration.VERSION_TABLE)]
        self.assertEqual([], diff)

    def test_upgrade_from_0003_keeps_messages_and_adds_dedup_fields(self):
        engine = self.engine()
        migration.upgrade(engine, '0003')
        with engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO queues (project, name, metadata, created) "
                "VALUES ('p', 'q', '{}', 1)"))
            qid = conn.execute(sa.text('SELECT id FROM queues')).scalar()
            conn.execute(sa.text(
                "INSERT INTO messages (id, queue_id, body, created, expires, "
                "delay_until, claim_count) VALUES ('m1', :q, '1', 1, 2, 0, "
                "0)"), {'q': qid})
        migration.upgrade(engine)
        self.assertEqual(migration.head(), migration.version(engine))
        with engine.connect() as conn:
            row = conn.execute(sa.text(
                'SELECT id, dedup_id, msg_group FROM messages')).one()
            self.assertEqual(('m1', None, None), tuple(row))
            self.assertEqual(0, conn.execute(sa.text(
                'SELECT COUNT(*) FROM message_dedup')).scalar())
        migration.downgrade(engine, '0003')
        self.assertNotIn('message_dedup', sa.inspect(engine).get_table_names())

    def test_downgrade_to_base_removes_every_table(self):
        engine = self.engine()
        migration.upgrade(engine)
        migration.downgrade(engine, 'base')
        names = set(sa.inspect(engine).get_table_names())
        self.assertEqual(set(), names & set(tables.metadata.tables))
        self.assertIsNone(migration.version(engine))

    def test_empty_database_reports_no_version(self):
        self.assertIsNone(migration.version(self.engine()))

    def test_ensure_schema_creates_an_empty_database_once(self):
        engine = self.engine()
        migration.ensure_schema(engine)
        self.assertEqual(migration.head(), migration.version(engine))
        migration.ensure_schema(engine)
        self.assertEqual(migration.head(), migration.version(engine))

    def test_ensure_schema_leaves_a_foreign_schema_alone(self):
        engine = self.engine()
        with engine.begin() as conn:
            conn.execute(sa.text('CREATE TABLE queues (x INTEGER)'))
        migration.ensure_schema(engine)
        self.assertIsNone(migration.version(engine))

    def test_concurrent_first_use_creates_the_schema_once(self):
        uri = self.database_uri(self.kind)
        drivers = [self.make_driver(self.kind, uri) for _ in range(4)]
        failures: list[BaseException] = []

        def first_call(driver) -> None:
            try:
                driver.queue_controller.create('q', project='p')
            except BaseException as exc:  # noqa: BLE001 - reported below
                failures.append(exc)

        threads = [threading.Thread(target=first_call, args=(d,))
                   for d in drivers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertFalse(any(t.is_alive() for t in threads), 'deadlock')
        self.assertEqual([], failures)
        self.assertTrue(drivers[0].queue_controller.exists('q', project='p'))


class SQLiteMigrationsTest(MigrationsMixin, sql_base.SQLTestCase):
    kind = 'sqlite'

    def test_migrations_ship_inside_the_package(self):
        self.assertTrue(os.path.isfile(os.path.join(
            migration.MIGRATIONS_DIR, 'env.py')))
        self.assertTrue(os.path.isdir(os.path.join(
            migration.MIGRATIONS_DIR, 'versions')))


class PostgreSQLMigrationsTest(MigrationsMixin, sql_base.SQLTestCase):
    kind = 'postgresql'

    def test_sortable_keys_use_the_c_collation(self):
        engine = self.engine()
        migration.upgrade(engine)
        with engine.connect() as conn:
            collation = conn.execute(sa.text(
                "SELECT collation_name FROM information_schema.columns "
                "WHERE table_name = 'queues' AND column_name = 'name'"
            )).scalar()
        self.assertEqual('C', collation)


class MySQLMigrationsTest(MigrationsMixin, sql_base.SQLTestCase):
    kind = 'mysql'

    def test_text_columns_compare_bytes(self):
        engine = self.engine()
        migration.upgrade(engine)
        with engine.connect() as conn:
            rows = conn.execute(sa.text(
                "SELECT column_name, collation_name "
                "FROM information_schema.columns "
                "WHERE table_schema = DATABASE() "
                "AND column_name IN ('project', 'name', 'subscriber_hash')"
            )).all()
        self.assertTrue(rows)
        self.assertEqual({'utf8mb4_bin'}, {row[1] for row in rows})
