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

"""zaqar-sql-db-manage: the reference's schema command, on our alembic.

Deployment tooling written for the reference (its DevStack plugin,
puppet-zaqar) runs ``zaqar-sql-db-manage --config-file zaqar.conf upgrade
head``. The same sub-commands act here on this service's SQL schema:

* ``upgrade [REVISION] [--delta N] [--sql]`` / ``downgrade ...``
* ``stamp REVISION [--sql]``
* ``current`` (alias ``version``), ``history``, ``branches``,
  ``check_migration``
* ``revision`` is refused: schema revisions ship with the code.

The database is ``[drivers:management_store:sqlalchemy] uri`` (the one the
reference's command migrates), else ``[drivers:message_store:sqlalchemy]
uri``, else the development SQLite file. A database that still holds the
reference's own tables is refused: ``zaqar-manage migrate-reference`` copies
its data into a new database instead.
"""

from __future__ import annotations

import sys

import sqlalchemy as sa
from alembic import command as alembic_command
from alembic import util as alembic_util
from oslo_config import cfg

import zaqar.conf
from zaqar.conf import paths, stores

OK = 0
FAILED = 1
USAGE = 2

# Tables only the reference's SQL management store has (its alembic
# history is in the default ``alembic_version`` table).
REFERENCE_TABLES = {'Queues', 'Pools', 'Flavors', 'Catalogue', 'PoolGroup'}


def database_uri(conf: cfg.ConfigOpts) -> str:
    """The database this command migrates (see the module docstring)."""
    return (conf[stores.management_group('sqlalchemy')].uri
            or conf[stores.message_group('sqlalchemy')].uri
            or paths.default_sqlite_uri())


def _holds_reference_schema(engine: sa.engine.Engine) -> bool:
    """The reference's capitalised table names, as stored (SQLite and
    MySQL would take our lower-case names for the same tables)."""
    return bool(REFERENCE_TABLES & set(sa.inspect(engine).get_table_names()))


def _upgrade(migration, engine, command) -> int:
    if not command.revision and not command.delta:
        print('zaqar-sql-db-manage: give a revision (e.g. head) or --delta',
              file=sys.stderr)
        return USAGE
    revision = command.revision
    if command.delta:
        sign = '+' if command.name == 'upgrade' else '-'
        revision = f'{sign}{command.delta}'
    if command.sql:
        run = getattr(alembic_command, command.name)
        run(migration.make_config(url=engine.url.render_as_string(
            hide_password=False)), revision, sql=True)
        return OK
    if command.name == 'upgrade':
        if _holds_reference_schema(engine):
            print('zaqar-sql-db-manage: this database holds the reference '
                  "implementation's tables; point the store at a new "
                  'database and copy the data with "zaqar-manage '
                  'migrate-reference".', file=sys.stderr)
            return FAILED
        migration.upgrade(engine, revision)
    else:
        migration.downgrade(engine, revision)
    print(f'Database schema at revision {migration.version(engine)}.')
    return OK


def _stamp(migration, engine, command) -> int:
    url = engine.url.render_as_string(hide_password=False)
    if command.sql:
        alembic_command.stamp(migration.make_config(url=url),
                              command.revision, sql=True)
        return OK
    with engine.connect() as conn:
        alembic_command.stamp(migration.make_config(conn), command.revision)
        conn.commit()
    print(f'Database stamped at revision {migration.version(engine)}.')
    return OK


def _current(migration, engine, command) -> int:
    print(migration.version(engine))
    return OK


def _history(migration, engine, command) -> int:
    alembic_command.history(migration.make_config())
    return OK


def _branches(migration, engine, command) -> int:
    alembic_command.branches(migration.make_config())
    return OK


def _revision(migration, engine, command) -> int:
    print('zaqar-sql-db-manage: "revision" writes new migration scripts, '
          'which ship with the code of this service; nothing to do on a '
          'deployment.', file=sys.stderr)
    return USAGE


def _add_commands(subparsers) -> None:
    for name, handler in (('current', _current), ('version', _current),
                          ('history', _history), ('branches', _branches),
                          ('check_migration', _branches)):
        subparsers.add_parser(name).set_defaults(handler=handler)
    for name in ('upgrade', 'downgrade'):
        parser = subparsers.add_parser(name)
        parser.add_argument('--delta', type=int)
        parser.add_argument('--sql', action='store_true')
        parser.add_argument('revision', nargs='?')
        parser.set_defaults(handler=_upgrade)
    parser = subparsers.add_parser('stamp')
    parser.add_argument('--sql', action='store_true')
    parser.add_argument('revision')
    parser.set_defaults(handler=_stamp)
    parser = subparsers.add_parser('revision')
    parser.add_argument('-m', '--message')
    parser.add_argument('--autogenerate', action='store_true')
    parser.add_argument('--sql', action='store_true')
    parser.set_defaults(handler=_revision)


def main(argv: list[str] | None = None) -> int:
    conf = cfg.ConfigOpts()
    zaqar.conf.register_opts(conf)
    conf.register_cli_opt(cfg.SubCommandOpt(
        'command', title='Commands', handler=_add_commands,
        help='Schema commands (the reference\'s names).'))
    conf(sys.argv[1:] if argv is None else argv, project='zaqar',
         prog='zaqar-sql-db-manage')
    from zaqar.storage.sqlalchemy import engine as sql_engine
    from zaqar.storage.sqlalchemy import migration
    uri = database_uri(conf)
    try:
        engine = sql_engine.create_engine(uri)
    except (ValueError, sa.exc.ArgumentError) as exc:
        print(f'zaqar-sql-db-manage: bad database URI: {exc}',
              file=sys.stderr)
        return FAILED
    try:
        return conf.command.handler(migration, engine, conf.command)
    except (sa.exc.SQLAlchemyError, alembic_util.CommandError) as exc:
        print(f'zaqar-sql-db-manage: {exc}', file=sys.stderr)
        return FAILED
    finally:
        engine.dispose()


if __name__ == '__main__':
    sys.exit(main())
