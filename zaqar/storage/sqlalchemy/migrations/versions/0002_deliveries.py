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

"""The notification outbox and per-subscription delivery state.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Types are spelled out here (not imported from ``delivery``) so this
revision keeps describing what it created.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

_MYSQL = ('mysql', 'mariadb')
_TABLE_ARGS = {
    'mysql_engine': 'InnoDB',
    'mysql_charset': 'utf8mb4',
    'mysql_collate': 'utf8mb4_bin',
    'mariadb_engine': 'InnoDB',
    'mariadb_charset': 'utf8mb4',
    'mariadb_collate': 'utf8mb4_bin',
}


def _key(length):
    return sa.String(length).with_variant(
        sa.String(length, collation='C'), 'postgresql')


def _json():
    return sa.Text().with_variant(mysql.MEDIUMTEXT(), *_MYSQL)


def upgrade() -> None:
    op.create_table(
        'deliveries',
        sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                  primary_key=True, autoincrement=True),
        sa.Column('project', _key(256), nullable=False),
        sa.Column('queue', _key(64), nullable=False),
        sa.Column('subscription_id', _key(64), nullable=False),
        sa.Column('kind', sa.String(16), nullable=False),
        sa.Column('payload', _json(), nullable=False),
        sa.Column('created', sa.Double, nullable=False),
        sa.Column('due', sa.Double, nullable=False),
        sa.Column('attempts', sa.Integer, nullable=False),
        sa.Column('lease', _key(36), nullable=True),
        sa.Column('last_error', sa.Text, nullable=True),
        sqlite_autoincrement=True,
        **_TABLE_ARGS,
    )
    op.create_index('ix_deliveries_due', 'deliveries', ['due'])
    op.create_index('ix_deliveries_queue', 'deliveries', ['project', 'queue'])
    op.create_table(
        'subscription_state',
        sa.Column('project', _key(256), primary_key=True),
        sa.Column('queue', _key(64), primary_key=True),
        sa.Column('subscription_id', _key(64), primary_key=True),
        sa.Column('secret', sa.String(128), nullable=True),
        sa.Column('trust_id', sa.String(255), nullable=True),
        sa.Column('failed', sa.Integer, nullable=False),
        sa.Column('last_error', sa.Text, nullable=True),
        sa.Column('last_failure_at', sa.Double, nullable=True),
        **_TABLE_ARGS,
    )


def downgrade() -> None:
    op.drop_table('subscription_state')
    op.drop_table('deliveries')
