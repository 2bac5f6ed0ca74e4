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

"""zaqar-manage: administer the SQL message store's schema, and pools.

``zaqar-manage [--config-file F] db sync [REVISION]`` migrates the database
named by ``[drivers:message_store:sqlalchemy] uri`` (the SQLite file in the
user data directory when unset) to REVISION, the newest by default;
``zaqar-manage db version`` prints the revision it is at ("None" when the
database holds no zaqar schema yet). ``zaqar-manage pool load FILE`` and
``pool list`` manage pools and flavors, ``pool move-queue`` moves a queue
to another pool online (see ``manage_pools``);
``zaqar-manage migrate-reference --from-config OLD.conf`` copies a reference
deployment's data (see ``migrate_reference``).
"""

from __future__ import annotations

import logging as std_logging
import sys
from collections.abc import Callable

import sqlalchemy as sa
from oslo_config import cfg
from oslo_log import log as logging

from zaqar import conf as zconf
from zaqar.conf import modes, paths, stores

LOG = logging.getLogger(__name__)

# Exit statuses.
OK = 0
FAILED = 1


def _db_sync(engine: sa.engine.Engine, args) -> int:
    from zaqar.storage.sqlalchemy import migration
    before = migration.version(engine)
    migration.upgrade(engine, args.revision)
    after = migration.version(engine)
    if before == after:
        print(f'Database schema already at revision {after}.')
    else:
        print(f'Database schema migrated from {before} to {after}.')
    return OK


def _db_version(engine: sa.engine.Engine, args) -> int:
    from zaqar.storage.sqlalchemy import migration
    print(migration.version(engine))
    return OK


def _add_commands(subparsers) -> None:
    db = subparsers.add_parser('db', help='Database schema commands.')
    actions = db.add_subparsers(title='db commands', dest='db_action')
    actions.required = True
    sync = actions.add_parser(
        'sync', help='Create or migrate the schema (to the newest revision '
                     'unless one is given).')
    sync.add_argument('revision', nargs='?', default='head',
                      help='Target revision (default: head).')
    sync.set_defaults(action_fn=_db_sync)
    version = actions.add_parser(
        'version', help='Print the revision the database is at.')
    version.set_defaults(action_fn=_db_version)
    from zaqar.cmd import manage_pools, migrate_reference
    manage_pools.add_commands(subparsers)
    migrate_reference.add_command(subparsers)


COMMAND = cfg.SubCommandOpt('command', title='Commands',
                            handler=_add_commands,
                            help='Available commands.')


def _register(conf: cfg.ConfigOpts) -> None:
    try:
        conf.register_cli_opt(COMMAND)
    except cfg.DuplicateOptError:
        pass


def database_uri(conf: cfg.ConfigOpts) -> str:
    """The message store's SQL URI, or the development SQLite file."""
    return (conf[stores.message_group('sqlalchemy')].uri
            or paths.default_sqlite_uri())


def main(argv: list[str] | None = None) -> int:
    conf = zconf.CONF
    _register(conf)
    if 'debug' not in conf:
        logging.register_options(conf)
    # Logs go to stderr: stdout carries the command's answer.
    conf.set_default('use_stderr', True)
    conf(sys.argv[1:] if argv is None else argv, project='zaqar',
         prog='zaqar-manage')
    modes.apply(conf)
    logging.setup(conf, 'zaqar')
    if not conf.debug:
        # Alembic narrates every plugin it loads at INFO.
        std_logging.getLogger('alembic').setLevel(std_logging.WARNING)

    migrate = getattr(conf.command, 'migrate_fn', None)
    if migrate is not None:
        return migrate(conf, conf.command)

    if getattr(conf.command, 'pool_fn', None) is not None:
        from zaqar.cmd import manage_pools
        return manage_pools.run(conf)

    from zaqar.storage.sqlalchemy import engine as sql_engine
    uri = database_uri(conf)
    action: Callable = conf.command.action_fn
    try:
        engine = sql_engine.create_engine(uri)
    except (ValueError, sa.exc.ArgumentError) as exc:
        print(f'zaqar-manage: bad database URI: {exc}', file=sys.stderr)
        return FAILED
    try:
        return action(engine, conf.command)
    except sa.exc.SQLAlchemyError as exc:
        LOG.debug('Schema command failed', exc_info=True)
        print(f'zaqar-manage: database error: {exc}', file=sys.stderr)
        return FAILED
    finally:
        engine.dispose()


if __name__ == '__main__':
    sys.exit(main())
