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

"""Long-polling wake-ups for SQL stores.

PostgreSQL: LISTEN/NOTIFY. ``notify`` runs ``pg_notify`` on channel
``zaqar_signals`` (channels are per database) with ``["project",
"queue"]``; each API process keeps one extra connection that LISTENs,
read by one thread that fires the waiters of its in-process hub. The
LISTEN is made once and kept; when the connection drops every local waiter
is woken and the thread listens again.

SQLite and MariaDB/MySQL have no notification channel: the processes of
one host signal each other through ``zaqar.storage.signals.HostSignals``.
"""

from __future__ import annotations

import json
import logging
import os
import select

import sqlalchemy as sa

from zaqar.storage import base
from zaqar.storage import signals as shared
from zaqar.storage.sqlalchemy import engine

LOG = logging.getLogger(__name__)

CHANNEL = 'zaqar_signals'
# Seconds a first waiter waits for the LISTEN before giving up (503).
READY_TIMEOUT = 5.0
# Seconds each read blocks on the socket (then the loop checks for close).
READ_TIMEOUT = 5.0



def for_database(db: engine.Database) -> base.Signals:
    """The signals of ``db``: LISTEN/NOTIFY or this host's sockets."""
    if db.kind == 'postgresql':
        return PostgresSignals(db)
    identity = (os.path.abspath(db.url.database or '')
                if db.kind == 'sqlite' and db.url.database
                else db.url.render_as_string(hide_password=True))
    return shared.HostSignals(f'{db.kind}:{identity}')


class PostgresSignals(shared.ChannelSignals):
    """Signals through PostgreSQL LISTEN/NOTIFY."""

    ready_timeout = READY_TIMEOUT

    def __init__(self, db: engine.Database):
        super().__init__('postgresql')
        self.db = db
        self._connection = None

    def _publish(self, batch) -> None:
        try:
            # One round trip for the batch: no transaction around it.
            with self.db.engine.connect().execution_options(
                    isolation_level='AUTOCOMMIT') as conn:
                payloads = {f'p{n}': json.dumps(list(key))
                            for n, key in enumerate(batch)}
                calls = ', '.join(f'pg_notify(:channel, :{name})'
                                  for name in payloads)
                # Only bind-parameter names are built into the text.
                conn.execute(sa.text(f'SELECT {calls}'),
                             {'channel': CHANNEL, **payloads})
        except sa.exc.SQLAlchemyError as exc:
            LOG.warning('%d signals not sent: %s', len(batch), exc)

    def _deliver(self, payload: str) -> None:
        try:
            project, queue = json.loads(payload)
        except (ValueError, TypeError):
            return
        if isinstance(project, str) and isinstance(queue, str):
            self.hub.fire(project, queue)

    def _run(self) -> None:
        pause = 0.1
        while not self._closed.is_set():
            try:
                raw = self.db.engine.raw_connection()
                conn = raw.driver_connection
                # Its own connection for good, outside the pool.
                raw.detach()
                self._connection = conn
                conn.autocommit = True
                with conn.cursor() as cursor:
                    cursor.execute(f'LISTEN {CHANNEL}')
                self._ready.set()
                pause = 0.1
                if hasattr(conn, 'notifies') and callable(conn.notifies):
                    self._read_psycopg(conn)
                else:
                    self._read_psycopg2(conn)
            except Exception as exc:  # noqa: BLE001 - listen again on anything
                if not self._closed.is_set():
                    LOG.warning('PostgreSQL signal channel lost (%s); '
                                'listening again', exc)
            finally:
                self._ready.clear()
                self._disconnect()
            # Signals may have been missed: every waiter looks again.
            self.hub.fire_all()
            self._closed.wait(pause)
            pause = min(pause * 2, 2.0)

    def _read_psycopg(self, conn) -> None:
        """psycopg 3: a generator of notifications, bounded in time."""
        while not self._closed.is_set():
            for notice in conn.notifies(timeout=READ_TIMEOUT):
                self._deliver(notice.payload)

    def _read_psycopg2(self, conn) -> None:
        while not self._closed.is_set():
            select.select([conn], [], [], READ_TIMEOUT)
            conn.poll()
            while conn.notifies:
                self._deliver(conn.notifies.pop(0).payload)

    def _disconnect(self) -> None:
        conn, self._connection = self._connection, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - best effort
                LOG.debug('Closing the signal channel failed',
                          exc_info=True)

