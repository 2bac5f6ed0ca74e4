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

"""Topics as a storage scope: a ``scope`` column ('queue' or 'topic').

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04

Queue records, subscriptions, deliveries and subscription state get the
column (existing rows are queues'), and it joins the unique keys and
indexes that had (project, queue). Topics stored before, under the
hidden project "\n" + project, become rows of the project itself in the
topic scope: marked first (under the old keys nothing can collide), then
the keys are swapped, then the marker is dropped from the project.

SQLite rebuilds the two tables whose unique constraint changes (alembic's
batch mode); ``migration`` runs revisions with foreign keys off there, so
rebuilding ``queues`` does not cascade into its messages.
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_TABLES = ('queues', 'subscriptions', 'deliveries', 'subscription_state')
_MARKER = '\n'


def _marked(table: sa.Table) -> sa.ColumnElement:
    return sa.func.substr(table.c.project, 1, 1) == _MARKER


def _table(name: str) -> sa.Table:
    return sa.table(name, sa.column('project', sa.String),
                    sa.column('scope', sa.String))


def _swap_unique(name: str, old: str, new: str, columns: list[str],
                 sqlite: bool) -> None:
    if sqlite:
        with op.batch_alter_table(name, recreate='always') as batch:
            batch.drop_constraint(old, type_='unique')
            batch.create_unique_constraint(new, columns)
    else:
        op.drop_constraint(old, name, type_='unique')
        op.create_unique_constraint(new, name, columns)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for name in _TABLES:
        op.add_column(name, sa.Column('scope', sa.String(8), nullable=False,
                                      server_default='queue'))
    for name in _TABLES:
        table = _table(name)
        op.execute(table.update().where(_marked(table)).values(
            scope='topic'))
    _swap_unique('queues', 'uq_queues_project_name',
                 'uq_queues_project_scope_name',
                 ['project', 'scope', 'name'], sqlite)
    _swap_unique('subscriptions', 'uq_subscriptions_subscriber',
                 'uq_subscriptions_scope_subscriber',
                 ['project', 'scope', 'queue', 'subscriber_hash'], sqlite)
    op.drop_index('ix_subscriptions_queue_id', table_name='subscriptions')
    op.create_index('ix_subscriptions_scope_queue_id', 'subscriptions',
                    ['project', 'scope', 'queue', 'id'])
    op.drop_index('ix_deliveries_queue', table_name='deliveries')
    op.create_index('ix_deliveries_scope_queue', 'deliveries',
                    ['project', 'scope', 'queue'])
    for name in _TABLES:
        table = _table(name)
        op.execute(table.update().where(
            table.c.scope == 'topic', _marked(table)).values(
            project=sa.func.substr(table.c.project, 2)))


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for name in _TABLES:
        table = _table(name)
        op.execute(table.update().where(table.c.scope == 'topic').values(
            project=sa.literal(_MARKER) + table.c.project))
    op.drop_index('ix_deliveries_scope_queue', table_name='deliveries')
    op.create_index('ix_deliveries_queue', 'deliveries',
                    ['project', 'queue'])
    op.drop_index('ix_subscriptions_scope_queue_id',
                  table_name='subscriptions')
    op.create_index('ix_subscriptions_queue_id', 'subscriptions',
                    ['project', 'queue', 'id'])
    _swap_unique('subscriptions', 'uq_subscriptions_scope_subscriber',
                 'uq_subscriptions_subscriber',
                 ['project', 'queue', 'subscriber_hash'], sqlite)
    _swap_unique('queues', 'uq_queues_project_scope_name',
                 'uq_queues_project_name', ['project', 'name'], sqlite)
    for name in _TABLES:
        if sqlite:
            with op.batch_alter_table(name, recreate='always') as batch:
                batch.drop_column('scope')
        else:
            op.drop_column(name, 'scope')
