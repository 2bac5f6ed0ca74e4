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

"""Table definitions the driver queries (the migrations create the same shape).

Strings that are compared, sorted or made unique (projects, names, ids) use
a byte-order collation on every database: ``COLLATE "C"`` on PostgreSQL and
``utf8mb4_bin`` (the tables' default) on MariaDB/MySQL, whose stock
collations are case-insensitive. SQLite compares bytes already.

Times are epoch seconds as doubles; ``messages.seq`` is a monotonic
autoincrement that gives FIFO order and serves as the list marker.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

MYSQL_DIALECTS = ('mysql', 'mariadb')

# Table options: InnoDB rows with binary (case-sensitive) text by default.
MYSQL_TABLE_ARGS = {
    'mysql_engine': 'InnoDB',
    'mysql_charset': 'utf8mb4',
    'mysql_collate': 'utf8mb4_bin',
    'mariadb_engine': 'InnoDB',
    'mariadb_charset': 'utf8mb4',
    'mariadb_collate': 'utf8mb4_bin',
}


def key_string(length: int) -> sa.types.TypeEngine:
    """A VARCHAR compared and sorted in byte order on every database."""
    return sa.String(length).with_variant(
        sa.String(length, collation='C'), 'postgresql')


def json_text() -> sa.types.TypeEngine:
    """Serialized JSON; MEDIUMTEXT on MySQL, whose TEXT stops at 64 KiB."""
    return sa.Text().with_variant(mysql.MEDIUMTEXT(), *MYSQL_DIALECTS)


def big_serial() -> sa.types.TypeEngine:
    """BIGINT autoincrement; INTEGER on SQLite so it aliases the rowid."""
    return sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def scope_column() -> sa.Column:
    """What a record's queue name names: a queue or a topic."""
    return sa.Column('scope', sa.String(8), nullable=False,
                     server_default='queue')


metadata = sa.MetaData()

queues = sa.Table(
    'queues', metadata,
    sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
    sa.Column('project', key_string(256), nullable=False),
    sa.Column('name', key_string(64), nullable=False),
    sa.Column('metadata', json_text(), nullable=False),
    sa.Column('created', sa.Double, nullable=False),
    # 'queue' or 'topic' (zaqar.storage.scope); topics keep no messages.
    scope_column(),
    sa.UniqueConstraint('project', 'scope', 'name',
                        name='uq_queues_project_scope_name'),
    **MYSQL_TABLE_ARGS,
)

messages = sa.Table(
    'messages', metadata,
    sa.Column('seq', big_serial(), primary_key=True, autoincrement=True),
    sa.Column('id', key_string(36), nullable=False),
    sa.Column('queue_id', sa.Integer,
              sa.ForeignKey('queues.id', ondelete='CASCADE',
                            name='fk_messages_queue_id'),
              nullable=False),
    sa.Column('body', json_text(), nullable=False),
    sa.Column('created', sa.Double, nullable=False),
    sa.Column('expires', sa.Double, nullable=False),
    sa.Column('delay_until', sa.Double, nullable=False),
    sa.Column('client_uuid', key_string(255), nullable=True),
    sa.Column('claim_id', key_string(36), nullable=True),
    sa.Column('claim_expires', sa.Double, nullable=True),
    sa.Column('claim_count', sa.Integer, nullable=False, default=0),
    sa.Column('checksum', sa.String(128), nullable=True),
    # Idempotency key and FIFO group as posted (revision 0004).
    sa.Column('dedup_id', key_string(128), nullable=True),
    sa.Column('msg_group', key_string(128), nullable=True),
    sa.UniqueConstraint('id', name='uq_messages_id'),
    sa.Index('ix_messages_queue_seq', 'queue_id', 'seq'),
    sa.Index('ix_messages_claim_id', 'claim_id'),
    sa.Index('ix_messages_expires', 'expires'),
    sa.Index('ix_messages_group', 'queue_id', 'msg_group', 'seq'),
    sqlite_autoincrement=True,
    **MYSQL_TABLE_ARGS,
)

# dedup_id -> the message first posted with it, until ``expires`` (the
# queue's _dedup_window after that post). The primary key is what makes
# concurrent posts of one dedup_id store a single message.
message_dedup = sa.Table(
    'message_dedup', metadata,
    sa.Column('queue_id', sa.Integer,
              sa.ForeignKey('queues.id', ondelete='CASCADE',
                            name='fk_message_dedup_queue_id'),
              primary_key=True),
    sa.Column('dedup_id', key_string(128), primary_key=True),
    sa.Column('message_id', key_string(36), nullable=False),
    sa.Column('expires', sa.Double, nullable=False),
    sa.Index('ix_message_dedup_expires', 'expires'),
    **MYSQL_TABLE_ARGS,
)

claims = sa.Table(
    'claims', metadata,
    sa.Column('id', key_string(36), primary_key=True),
    sa.Column('queue_id', sa.Integer,
              sa.ForeignKey('queues.id', ondelete='CASCADE',
                            name='fk_claims_queue_id'),
              nullable=False),
    sa.Column('ttl', sa.Integer, nullable=False),
    sa.Column('created', sa.Double, nullable=False),
    sa.Column('expires', sa.Double, nullable=False),
    sa.Index('ix_claims_queue_id', 'queue_id'),
    sa.Index('ix_claims_expires', 'expires'),
    **MYSQL_TABLE_ARGS,
)

# Keyed by project + queue name rather than a queue row: a subscription may
# be made before the queue record exists, and queue deletion removes both.
subscriptions = sa.Table(
    'subscriptions', metadata,
    sa.Column('id', key_string(36), primary_key=True),
    sa.Column('project', key_string(256), nullable=False),
    sa.Column('queue', key_string(64), nullable=False),
    sa.Column('subscriber', sa.Text, nullable=False),
    # sha256 hex of the subscriber URI: URIs may outgrow index key limits.
    sa.Column('subscriber_hash', key_string(64), nullable=False),
    sa.Column('ttl', sa.Integer, nullable=False),
    sa.Column('options', json_text(), nullable=False),
    sa.Column('created', sa.Double, nullable=False),
    sa.Column('expires', sa.Double, nullable=False),
    sa.Column('confirmed', sa.Boolean(name='ck_subscriptions_confirmed'),
              nullable=False, default=False),
    scope_column(),
    sa.UniqueConstraint('project', 'scope', 'queue', 'subscriber_hash',
                        name='uq_subscriptions_scope_subscriber'),
    sa.Index('ix_subscriptions_scope_queue_id', 'project', 'scope', 'queue',
             'id'),
    sa.Index('ix_subscriptions_expires', 'expires'),
    **MYSQL_TABLE_ARGS,
)

# The management store (pools, flavors, queue catalogue): see management.py.
pools = sa.Table(
    'pools', metadata,
    sa.Column('name', key_string(64), primary_key=True),
    sa.Column('uri', key_string(255), nullable=False),
    sa.Column('weight', sa.BigInteger, nullable=False),
    sa.Column('flavor', key_string(64), nullable=True),
    sa.Column('options', json_text(), nullable=False),
    sa.UniqueConstraint('uri', name='uq_pools_uri'),
    sa.Index('ix_pools_flavor', 'flavor'),
    **MYSQL_TABLE_ARGS,
)

flavors = sa.Table(
    'flavors', metadata,
    sa.Column('name', key_string(64), primary_key=True),
    sa.Column('capabilities', json_text(), nullable=False),
    **MYSQL_TABLE_ARGS,
)

catalogue = sa.Table(
    'catalogue', metadata,
    sa.Column('project', key_string(256), primary_key=True),
    sa.Column('queue', key_string(64), primary_key=True),
    sa.Column('pool', key_string(64), nullable=False),
    sa.Index('ix_catalogue_pool', 'pool'),
    **MYSQL_TABLE_ARGS,
)
