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

"""Idempotent posts and FIFO groups: two message columns, the dedup table.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04

Existing messages get NULL in both columns: they behave as before.
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

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


def upgrade() -> None:
    with op.batch_alter_table('messages') as batch:
        batch.add_column(sa.Column('dedup_id', _key(128), nullable=True))
        batch.add_column(sa.Column('msg_group', _key(128), nullable=True))
    op.create_index('ix_messages_group', 'messages',
                    ['queue_id', 'msg_group', 'seq'])
    op.create_table(
        'message_dedup',
        sa.Column('queue_id', sa.Integer,
                  sa.ForeignKey('queues.id', ondelete='CASCADE',
                                name='fk_message_dedup_queue_id'),
                  primary_key=True),
        sa.Column('dedup_id', _key(128), primary_key=True),
        sa.Column('message_id', _key(36), nullable=False),
        sa.Column('expires', sa.Double, nullable=False),
        **_TABLE_ARGS,
    )
    op.create_index('ix_message_dedup_expires', 'message_dedup', ['expires'])


def downgrade() -> None:
    op.drop_table('message_dedup')
    op.drop_index('ix_messages_group', table_name='messages')
    with op.batch_alter_table('messages') as batch:
        batch.drop_column('msg_group')
        batch.drop_column('dedup_id')
