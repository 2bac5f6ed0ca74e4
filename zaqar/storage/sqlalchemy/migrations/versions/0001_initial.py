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

"""Queues, messages, claims and subscriptions.

Revision ID: 0001
Revises:
Create Date: 2026-11-23

The types are spelled out here rather than imported from ``tables`` so this
revision keeps describing the schema it created when ``tables`` moves on.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = '0001'
down_revision = None
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
        'queues',
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('project', _key(256), nullable=False),
        sa.Column('name', _key(64), nullable=False),
        sa.Column('metadata', _json(), nullable=False),
        sa.Column('created', sa.Double, nullable=False),
        sa.UniqueConstraint('project', 'name', name='uq_queues_project_name'),
        **_TABLE_ARGS,
    )
    op.create_table(
        'messages',
        sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                  primary_key=True, autoincrement=True),
        sa.Column('id', _key(36), nullable=False),
        sa.Column('queue_id', sa.Integer,
                  sa.ForeignKey('queues.id', ondelete='CASCADE',
                                name='fk_messages_queue_id'),
                  nullable=False),
        sa.Column('body', _json(), nullable=False),
        sa.Column('created', sa.Double, nullable=False),
        sa.Column('expires', sa.Double, nullable=False),
        sa.Column('delay_until', sa.Double, nullable=False),
        sa.Column('client_uuid', _key(255), nullable=True),
        sa.Column('claim_id', _key(36), nullable=True),
        sa.Column('claim_expires', sa.Double, nullable=True),
        sa.Column('claim_count', sa.Integer, nullable=False),
        sa.Column('checksum', sa.String(128), nullable=True),
        sa.UniqueConstraint('id', name='uq_messages_id'),
        sqlite_autoincrement=True,
        **_TABLE_ARGS,
    )
    op.create_index('ix_messages_queue_seq', 'messages', ['queue_id', 'seq'])
    op.create_index('ix_messages_claim_id', 'messages', ['claim_id'])
    op.create_index('ix_messages_expires', 'messages', ['expires'])
    op.create_table(
        'claims',
        sa.Column('id', _key(36), primary_key=True),
        sa.Column('queue_id', sa.Integer,
                  sa.ForeignKey('queues.id', ondelete='CASCADE',
                                name='fk_claims_queue_id'),
                  nullable=False),
        sa.Column('ttl', sa.Integer, nullable=False),
        sa.Column('created', sa.Double, nullable=False),
        sa.Column('expires', sa.Double, nullable=False),
        **_TABLE_ARGS,
    )
    op.create_index('ix_claims_queue_id', 'claims', ['queue_id'])
    op.create_index('ix_claims_expires', 'claims', ['expires'])
    op.create_table(
        'subscriptions',
        sa.Column('id', _key(36), primary_key=True),
        sa.Column('project', _key(256), nullable=False),
        sa.Column('queue', _key(64), nullable=False),
        sa.Column('subscriber', sa.Text, nullable=False),
        sa.Column('subscriber_hash', _key(64), nullable=False),
        sa.Column('ttl', sa.Integer, nullable=False),
        sa.Column('options', _json(), nullable=False),
        sa.Column('created', sa.Double, nullable=False),
        sa.Column('expires', sa.Double, nullable=False),
        sa.Column('confirmed', sa.Boolean(name='ck_subscriptions_confirmed'),
                  nullable=False),
        sa.UniqueConstraint('project', 'queue', 'subscriber_hash',
                            name='uq_subscriptions_subscriber'),
        **_TABLE_ARGS,
    )
    op.create_index('ix_subscriptions_queue_id', 'subscriptions',
                    ['project', 'queue', 'id'])
    op.create_index('ix_subscriptions_expires', 'subscriptions', ['expires'])


def downgrade() -> None:
    op.drop_table('subscriptions')
    op.drop_table('claims')
    op.drop_table('messages')
    op.drop_table('queues')
