"""Alembic environment: runs on a connection handed over by zaqar's code.

``zaqar.storage.sqlalchemy.migration`` builds the alembic Config in code and
puts an open connection in ``config.attributes['connection']``; offline mode
(``--sql``) renders the DDL for the URL in ``sqlalchemy.url``.
"""

from alembic import context

from zaqar.storage.sqlalchemy import migration, tables

config = context.config


def run_offline() -> None:
    context.configure(url=config.get_main_option('sqlalchemy.url'),
                      target_metadata=tables.metadata,
                      version_table=migration.VERSION_TABLE,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes['connection']
    context.configure(connection=connection,
                      target_metadata=tables.metadata,
                      version_table=migration.VERSION_TABLE,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
