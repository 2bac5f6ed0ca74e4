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

"""The MongoDB data driver: connection, options and controllers."""

from __future__ import annotations

import threading
import time
from typing import Any

import pymongo
from pymongo import errors as mongo_errors
from pymongo.database import Database
from pymongo.write_concern import WriteConcern

from zaqar.storage import base, errors
from zaqar.storage import signals as shared_signals
from zaqar.storage.mongodb import (
    claims,
    codec,
    delivery,
    indexes,
    messages,
    options,
    queues,
    resilience,
    subscriptions,
    transfer,
)

# How long pymongo waits for a reachable server before an operation fails
# (its own default is 30 s; a URI's serverSelectionTimeoutMS wins).
_SERVER_SELECTION_TIMEOUT_MS = 5000


def _defaults() -> dict[str, Any]:
    """The [drivers:message_store:mongodb] defaults, from the config group."""
    return {opt.dest: opt.default for opt in options.list_opts()}


def _write_concern(value: Any) -> WriteConcern:
    """``w`` from the option: an integer if it looks like one, else a tag."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    return WriteConcern(w=value)


class DataDriver(base.DataDriver):
    """Queues, messages, claims and subscriptions in one MongoDB database.

    ``options`` takes the names of the mongodb option group (``database``,
    ``replicaset``, ``ssl*``, ``max_attempts``, ``max_retry_sleep``,
    ``max_retry_jitter``, ``write_concern``); missing ones get the group's
    defaults. The database is ``options['database']``, else the URI's, else
    ``zaqar``. Indexes are created on the first operation, so a driver can
    be built while the server is down.
    """

    name = 'mongodb'
    capabilities = ('FIFO', 'CLAIMS', 'DURABILITY', 'AOD')
    uri_schemes = ('mongodb', 'mongodb+srv')
    option_group = 'drivers:message_store:mongodb'

    def __init__(self, uri: str, options: dict[str, Any] | None = None):
        super().__init__(uri, options)
        conf = _defaults()
        conf.update({k: v for k, v in self.options.items() if v is not None})
        self.retry_policy = resilience.RetryPolicy(
            max_attempts=int(conf['max_attempts']),
            max_sleep=float(conf['max_retry_sleep']),
            jitter=float(conf['max_retry_jitter']))
        kwargs = self._client_kwargs(conf)
        if 'serverselectiontimeoutms' in uri.lower():
            del kwargs['serverSelectionTimeoutMS']  # keyword would win
        try:
            self.client = pymongo.MongoClient(uri, **kwargs)
        except (mongo_errors.PyMongoError, ValueError, TypeError) as exc:
            # A malformed URI or option, or an SRV record that won't resolve.
            raise errors.StorageUnavailable(
                f'Bad MongoDB connection settings: {exc}') from exc
        database = self.options.get('database')
        if not database:
            database = self.client.get_default_database('zaqar').name
        self._signals: base.Signals | None = None
        self._signals_lock = threading.Lock()
        self.database: Database = self.client.get_database(
            database, write_concern=_write_concern(conf['write_concern']))
        self._ready = False
        self._ready_lock = threading.Lock()
        self._queues = queues.QueueController(self)
        self._messages = messages.MessageController(self)
        self._claims = claims.ClaimController(self)
        self._subscriptions = subscriptions.SubscriptionController(self)
        self._deliveries = delivery.DeliveryController(self)
        self._transfer = transfer.TransferController(self)

    @staticmethod
    def _client_kwargs(conf: dict[str, Any]) -> dict[str, Any]:
        """MongoClient keywords from options (the URI's own settings win)."""
        kwargs: dict[str, Any] = {
            'serverSelectionTimeoutMS': _SERVER_SELECTION_TIMEOUT_MS,
        }
        if conf.get('replicaset'):
            kwargs['replicaset'] = conf['replicaset']
        if conf.get('ssl'):
            kwargs['tls'] = True
            if conf.get('ssl_certfile'):
                kwargs['tlsCertificateKeyFile'] = conf['ssl_certfile']
            if conf.get('ssl_keyfile'):
                # pymongo wants key and certificate in one PEM file; a
                # separate key file is only usable when it is that file.
                kwargs.setdefault('tlsCertificateKeyFile',
                                  conf['ssl_keyfile'])
            if conf.get('ssl_ca_certs'):
                kwargs['tlsCAFile'] = conf['ssl_ca_certs']
        return kwargs

    def ensure_ready(self) -> None:
        """Create the indexes once, before the first operation."""
        if self._ready:
            return
        with self._ready_lock:
            if not self._ready:
                indexes.ensure_indexes(self.database)
                delivery.ensure_indexes(self.database)
                self._ready = True

    def collection(self, name: str):
        """One of the collections declared in ``indexes``."""
        return self.database[name]

    @property
    def queue_controller(self) -> queues.QueueController:
        return self._queues

    @property
    def message_controller(self) -> messages.MessageController:
        return self._messages

    @property
    def claim_controller(self) -> claims.ClaimController:
        return self._claims

    @property
    def subscription_controller(self) -> subscriptions.SubscriptionController:
        return self._subscriptions

    @property
    def delivery_controller(self) -> delivery.DeliveryController:
        return self._deliveries

    @property
    def transfer_controller(self) -> transfer.TransferController:
        return self._transfer

    @property
    def signals(self) -> base.Signals:
        """This host's wake-ups (zaqar.storage.signals): change streams
        would reach every host but need a replica set."""
        with self._signals_lock:
            if self._signals is None:
                self._signals = shared_signals.HostSignals(
                    f'mongodb:{self.uri}/{self.database.name}')
            return self._signals

    def is_alive(self) -> bool:
        """``ping`` the server (works on mongod and the test emulator)."""
        try:
            self.client.admin.command('ping')
            return True
        except mongo_errors.PyMongoError:
            return False

    @resilience.retried
    def gc(self) -> int:
        """Remove expired messages, claims and subscriptions."""
        now = codec.to_date(time.time())
        removed = 0
        for name in (indexes.MESSAGES, indexes.CLAIMS,
                     indexes.SUBSCRIPTIONS, indexes.DEDUP):
            result = self.collection(name).delete_many(
                {'expires': {'$lte': now}})
            removed += result.deleted_count
        return removed

    @property
    def _driver(self) -> DataDriver:
        # Lets resilience.retried treat the driver like a controller.
        return self

    def close(self) -> None:
        if self._signals is not None:
            self._signals.close()
        self.client.close()
