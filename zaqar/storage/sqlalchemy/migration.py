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

"""Schema management: alembic driven from code, no alembic.ini needed.

The revisions live in ``migrations/`` inside this package, so an installed
zaqar finds them next to this module. The version is kept in its own table
(``zaqar_data_version``) so that other stores sharing the database with
their own alembic history do not collide with it.

Alembic's ``context``/``op`` proxies are process globals, so migrations run
one at a time per process; across processes an advisory lock (PostgreSQL,
MariaDB/MySQL) or SQLite's write lock keeps two starters from racing.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Iterator

import sqlalchemy as sa
from alembic import command
from alembic import config as alembic_config
from alembic import script as alembic_script
from alembic.runtime import migration as alembic_migration

from zaqar.storage.sqlalchemy import tables

LOG = logging.getLogger(__name__)

MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                              'migrations')
VERSION_TABLE = 'zaqar_data_version'

# Advisory locks: a bigint key on PostgreSQL (scoped to the database), a
# name prefix on MySQL.
_PG_LOCK_KEY = 0x7A61716172  # "zaqar"
_MYSQL_LOCK_NAME = 'zaqar_data_schema'
# Seconds MySQL waits for another process's migration.
_MYSQL_LOCK_SECONDS = 300

_PROCESS_LOCK = threading.RLock()


def make_config(connection: sa.Connection | None = None,
                url: str | None = None) -> alembic_config.Config:
    """An alembic Config pointing at our revisions (and a connection)."""
    cfg = alembic_config.Config()
    cfg.set_main_option('script_location', MIGRATIONS_DIR)
    if url:
        cfg.set_main_option('sqlalchemy.url', url.replace('%', '%%'))
    cfg.attributes['connection'] = connection
    return cfg


def head() -> str:
    """The newest revision shipped with this code."""
    scripts = alembic_script.ScriptDirectory.from_config(make_config())
    return scripts.get_current_head()


def current(connection: sa.Connection) -> str | None:
    """The revision the database is at (None: never migrated)."""
    ctx = alembic_migration.MigrationContext.configure(
        connection, opts={'version_table': VERSION_TABLE})
    return ctx.get_current_revision()


def _migration_connection(engine: sa.engine.Engine) -> sa.Connection:
    conn = engine.connect()
    if engine.dialect.name == 'sqlite':
        # Hold the write lock from the start: two processes starting on an
        # empty file must not both create the tables.
        conn.execution_options(sqlite_begin='IMMEDIATE')
    return conn


@contextlib.contextmanager
def _schema_lock(engine: sa.engine.Engine) -> Iterator[None]:
    """Hold this process's and the database's migration lock."""
    with _PROCESS_LOCK:
        name = engine.dialect.name
        if name == 'sqlite':
            yield
            return
        with engine.connect().execution_options(
                isolation_level='AUTOCOMMIT') as conn:
            if name == 'postgresql':
                conn.execute(sa.text('SELECT pg_advisory_lock(:k)'),
                             {'k': _PG_LOCK_KEY})
                release = sa.text('SELECT pg_advisory_unlock(:k)')
                params = {'k': _PG_LOCK_KEY}
            else:
                # MySQL's named locks are server-wide: name the database.
                lock = f'{_MYSQL_LOCK_NAME}.{engine.url.database}'[:64]
                conn.execute(sa.text('SELECT GET_LOCK(:n, :t)'),
                             {'n': lock, 't': _MYSQL_LOCK_SECONDS})
                release = sa.text('SELECT RELEASE_LOCK(:n)')
                params = {'n': lock}
            try:
                yield
            finally:
                conn.execute(release, params)


@contextlib.contextmanager
def _foreign_keys_off(conn: sa.Connection) -> Iterator[None]:
    """SQLite: no foreign key actions while revisions rebuild tables (a
    rebuilt ``queues`` would otherwise cascade into its messages). The
    pragma only takes effect outside a transaction, so it goes to the
    driver connection before the first statement, and back on after."""
    if conn.dialect.name != 'sqlite':
        yield
        return
    raw = conn.connection.driver_connection
    raw.execute('PRAGMA foreign_keys = OFF')
    try:
        yield
    finally:
        raw.execute('PRAGMA foreign_keys = ON')


def _upgrade(engine: sa.engine.Engine, revision: str) -> None:
    with _migration_connection(engine) as conn, _foreign_keys_off(conn):
        command.upgrade(make_config(conn), revision)
        conn.commit()


def upgrade(engine: sa.engine.Engine, revision: str = 'head') -> None:
    """Bring the schema to ``revision``."""
    with _schema_lock(engine):
        _upgrade(engine, revision)


def downgrade(engine: sa.engine.Engine, revision: str) -> None:
    """Take the schema back to ``revision`` ('base' drops every table)."""
    with _schema_lock(engine), _migration_connection(engine) as conn, \
            _foreign_keys_off(conn):
        command.downgrade(make_config(conn), revision)
        conn.commit()


def version(engine: sa.engine.Engine) -> str | None:
    """The database's current revision."""
    with engine.connect() as conn:
        return current(conn)


def _is_empty(conn: sa.Connection) -> bool:
    names = set(sa.inspect(conn).get_table_names())
    return VERSION_TABLE not in names and not names & set(
        tables.metadata.tables)


def ensure_schema(engine: sa.engine.Engine) -> None:
    """Create the schema in an empty database; warn if it lags behind.

    A development convenience (the embedded SQLite default works with no
    setup). Databases that already hold a schema are only ever migrated by
    ``zaqar-manage db sync``.
    """
    with _schema_lock(engine):
        with engine.connect() as conn:
            empty = _is_empty(conn)
            rev = None if empty else current(conn)
        if empty:
            LOG.warning('The database %s is empty: creating the zaqar schema '
                        '(use "zaqar-manage db sync" in production).',
                        engine.url.render_as_string(hide_password=True))
            _upgrade(engine, 'head')
            return
    if rev is None:
        LOG.error('The database %s holds tables named like zaqar\'s but no '
                  'zaqar schema version: leaving it alone.',
                  engine.url.render_as_string(hide_password=True))
    elif rev != head():
        LOG.warning('The database schema is at revision %s but this code '
                    'expects %s: run "zaqar-manage db sync".', rev, head())
