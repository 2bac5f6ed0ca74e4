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

"""The SQL data driver: SQLite (the default), PostgreSQL, MariaDB/MySQL."""

from __future__ import annotations

import functools
import logging
from typing import Any

import sqlalchemy as sa

from zaqar.conf import paths
from zaqar.storage import base
from zaqar.storage.sqlalchemy import (
    claims,
    delivery,
    engine,
    messages,
    migration,
    queues,
    signals,
    sql,
    subscriptions,
    tables,
    transfer,
)

LOG = logging.getLogger(__name__)

# Rows removed per gc statement: short transactions, short locks.
GC_BATCH = 1000


class DataDriver(base.DataDriver):
    """Queues, messages, claims and subscriptions in one SQL database.

    Nothing connects until the first call; the first call also creates the
    schema when the database is empty (``zaqar-manage db sync`` is the
    production path).
    """

    name = 'sqlalchemy'
    capabilities = ('FIFO', 'CLAIMS', 'DURABILITY', 'AOD', 'HIGH_THROUGHPUT')
    uri_schemes = ('sqlite', 'postgresql', 'mysql', 'mariadb')
    option_group = 'drivers:message_store:sqlalchemy'
    embedded_default = True

    def __init__(self, uri: str | None = None,
                 options: dict[str, Any] | None = None):
        super().__init__(uri or paths.default_sqlite_uri(), options)
        self.db = engine.Database(self.uri, prepare=migration.ensure_schema)

    @functools.cached_property
    def queue_controller(self) -> queues.QueueController:
        return queues.QueueController(self.db)

    @functools.cached_property
    def message_controller(self) -> messages.MessageController:
        return messages.MessageController(self.db, self.delivery_controller)

    @functools.cached_property
    def claim_controller(self) -> claims.ClaimController:
        return claims.ClaimController(self.db)

    @functools.cached_property
    def subscription_controller(self) -> subscriptions.SubscriptionController:
        return subscriptions.SubscriptionController(self.db)

    @functools.cached_property
    def delivery_controller(self) -> delivery.DeliveryController:
        return delivery.DeliveryController(self.db)

    @functools.cached_property
    def transfer_controller(self) -> transfer.TransferController:
        return transfer.TransferController(self.db)

    @functools.cached_property
    def signals(self) -> base.Signals:
        return signals.for_database(self.db)

    def is_alive(self) -> bool:
        return self.db.ping()

    def gc(self) -> int:
        """Delete expired rows, a batch per transaction, skipping locked."""
        removed = 0
        when = sql.now()
        for table, key in ((tables.messages, tables.messages.c.seq),
                           (tables.claims, tables.claims.c.id),
                           (tables.subscriptions, tables.subscriptions.c.id)):
            removed += self._gc_table(table, key, when)
        removed += self.db.write(lambda conn: max(conn.execute(
            tables.message_dedup.delete().where(
                tables.message_dedup.c.expires <= when)).rowcount, 0))
        removed += delivery.gc(self.db)
        if removed:
            LOG.debug('gc removed %d expired rows', removed)
        return removed

    def _gc_table(self, table: sa.Table, key: sa.Column, when: float) -> int:
        expired = table.c.expires <= sa.bindparam('now')
        pick = sa.select(key).where(expired).limit(GC_BATCH).with_for_update(
            skip_locked=True)
        drop = table.delete().where(
            key.in_(sa.bindparam('keys', expanding=True)), expired)

        def batch(conn: sa.Connection) -> tuple[int, int]:
            keys = conn.execute(pick, {'now': when}).scalars().all()
            if not keys:
                return 0, 0
            return len(keys), conn.execute(
                drop, {'keys': keys, 'now': when}).rowcount

        removed = 0
        while True:
            seen, gone = self.db.write(batch)
            removed += max(gone, 0)
            if seen < GC_BATCH:
                return removed

    def close(self) -> None:
        if 'signals' in self.__dict__:
            self.signals.close()
        self.db.dispose()
