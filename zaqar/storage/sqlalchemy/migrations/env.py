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
