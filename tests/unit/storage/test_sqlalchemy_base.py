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

"""Shared set-up of the SQL driver's unit tests: a private database per test.

Each test gets a fresh SQLite file, PostgreSQL database or MariaDB/MySQL
database (``tests.backends`` URLs; skipped locally when the server is down,
failed in CI) and drops it afterwards. The admin engine goes through the
driver's own URL resolution so a bare ``postgresql://`` URL uses psycopg2.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import sqlalchemy as sa
import testtools

from tests import backends
from zaqar.storage.sqlalchemy import driver as sql_driver
from zaqar.storage.sqlalchemy import engine as sql_engine

KINDS = ('sqlite', 'postgresql', 'mysql')


class SQLTestCase(testtools.TestCase):
    """A TestCase that can make private databases of each kind."""

    def database_uri(self, kind: str) -> str:
        """A new, empty database of ``kind``; dropped at cleanup."""
        if kind == 'sqlite':
            directory = tempfile.mkdtemp(prefix='zaqar-sql-test-')
            self.addCleanup(shutil.rmtree, directory, ignore_errors=True)
            return 'sqlite:///' + os.path.join(directory, 'zaqar.db')
        base = backends.url(kind)
        if not base or not backends.reachable(base):
            backends.unavailable(self, kind, f'{base} not reachable')
        url = sql_engine.resolve_url(base)
        admin = sa.create_engine(url, isolation_level='AUTOCOMMIT')
        self.addCleanup(admin.dispose)
        name = backends.unique_name('zsql')
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE {name}'))
        drop = f'DROP DATABASE IF EXISTS {name}'
        if kind == 'postgresql':
            drop += ' WITH (FORCE)'

        def cleanup() -> None:
            with admin.connect() as conn:
                conn.execute(sa.text(drop))

        self.addCleanup(cleanup)
        return url.set(database=name).render_as_string(hide_password=False)

    def make_driver(self, kind: str,
                    uri: str | None = None) -> sql_driver.DataDriver:
        """A driver on a new database (or ``uri``), closed at cleanup."""
        driver = sql_driver.DataDriver(uri or self.database_uri(kind))
        self.addCleanup(driver.close)
        return driver


def count_rows(driver: sql_driver.DataDriver, table: str) -> int:
    """Rows of ``table`` as the database sees them, expired ones included."""
    with driver.db.engine.connect() as conn:
        return conn.execute(sa.text(f'SELECT COUNT(*) FROM {table}')).scalar()
