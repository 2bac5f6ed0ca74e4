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

"""The management store: pools, flavors and the queue catalogue.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24

Types are spelled out here (not imported from ``management``) so this
revision keeps describing what it created.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = '0003'
down_revision = '0002'
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
        'pools',
        sa.Column('name', _key(64), primary_key=True),
        sa.Column('uri', _key(255), nullable=False),
        sa.Column('weight', sa.BigInteger, nullable=False),
        sa.Column('flavor', _key(64), nullable=True),
        sa.Column('options', _json(), nullable=False),
        sa.UniqueConstraint('uri', name='uq_pools_uri'),
        **_TABLE_ARGS,
    )
    op.create_index('ix_pools_flavor', 'pools', ['flavor'])
    op.create_table(
        'flavors',
        sa.Column('name', _key(64), primary_key=True),
        sa.Column('capabilities', _json(), nullable=False),
        **_TABLE_ARGS,
    )
    op.create_table(
        'catalogue',
        sa.Column('project', _key(256), primary_key=True),
        sa.Column('queue', _key(64), primary_key=True),
        sa.Column('pool', _key(64), nullable=False),
        **_TABLE_ARGS,
    )
    op.create_index('ix_catalogue_pool', 'catalogue', ['pool'])


def downgrade() -> None:
    op.drop_table('catalogue')
    op.drop_table('flavors')
    op.drop_table('pools')
