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

"""The Redis data driver: connection, options, controllers and gc."""

from __future__ import annotations

import logging
import threading
from typing import Any

from redis import exceptions as redis_errors

from zaqar.storage import base
from zaqar.storage import scope as scopes
from zaqar.storage.redis import (
    claims,
    cluster,
    cluster_index,
    connection,
    delivery,
    keys,
    messages,
    migration,
    options,
    queues,
    records,
    resilience,
    scripts,
    signals,
    subscriptions,
    transfer,
    wire,
)

LOG = logging.getLogger(__name__)

# Items of each kind one gc script call removes from a queue (keeps every
# call short; gc repeats it until the queue is clean).
GC_BATCH = 500
# Queues swept per round trip.
GC_QUEUES = 100


def _defaults() -> dict[str, Any]:
    """The [drivers:message_store:redis] defaults, from the config group."""
    return {opt.dest: opt.default for opt in options.list_opts()}


class DataDriver(base.DataDriver):
    """Queues, messages, claims, subscriptions and the notification outbox
    in one Redis database.

    Every multi-step operation is one Lua script (``scripts/``), so it is
    atomic and costs one round trip. ``options`` takes the redis option
    group's names (``max_reconnect_attempts``, ``reconnect_sleep``) plus
    ``retry_deadline`` (seconds a call may spend retrying before it raises
    StorageUnavailable). Nothing connects until the first call, so a driver
    can be built while Redis is down.

    Redis keeps data in memory: durability depends on the server's
    persistence settings (``appendonly yes``, ``appendfsync always`` for no
    loss on a crash), so DURABILITY is not advertised. The server must not
    evict keys (``maxmemory-policy noeviction``, the default): evicting a
    message record would lose it.

    Key layout: keys.py; what every script touches: its header in
    ``scripts/``; record formats: records.py; retries: resilience.py.
    """

    name = 'redis'
    capabilities = ('FIFO', 'CLAIMS', 'AOD', 'HIGH_THROUGHPUT')
    uri_schemes = ('redis', 'rediss', 'unix', 'redis+sentinel',
                   'redis+cluster', 'rediss+cluster')
    option_group = 'drivers:message_store:redis'

    def __init__(self, uri: str, options: dict[str, Any] | None = None):
        super().__init__(uri, options)
        conf = _defaults()
        conf.update({k: v for k, v in self.options.items() if v is not None})
        self.settings = connection.parse_uri(uri)
        self.scripts = scripts.ScriptSet()
        if self.settings.kind == 'cluster':
            self.keys: keys.Layout = keys.ClusterLayout()
            self.client = None
            self.wire = cluster.ClusterWire(
                self.settings, self.scripts,
                replicas=self.settings.wait_replicas,
                wait_timeout=self.settings.wait_timeout)
        else:
            self.keys = keys.Layout()
            self.client = connection.make_client(self.settings)
            self.wire = wire.Wire(self.client.connection_pool, self.scripts,
                                  replicas=self.settings.wait_replicas,
                                  wait_timeout=self.settings.wait_timeout)
        self.executor = resilience.Executor(
            self.wire,
            max_retries=int(conf['max_reconnect_attempts']),
            reconnect_sleep=float(conf['reconnect_sleep']),
            retry_deadline=float(conf.get('retry_deadline', 1.5)))
        self._ready = False
        self._preparing: int | None = None  # the thread migrating
        self._ready_lock = threading.RLock()
        self.executor.before = self.ensure_ready
        self.active_projects = cluster_index.ActiveProjects(self)
        self._queues = queues.QueueController(self)
        self._messages = messages.MessageController(self)
        self._claims = claims.ClaimController(self)
        self._subscriptions = subscriptions.SubscriptionController(self)
        self._delivery = delivery.DeliveryController(self)
        self._transfer = transfer.TransferController(self)
        if self.client is None:
            self._signals: base.Signals = signals.ClusterSignals(self.wire)
        else:
            self._signals = signals.RedisSignals(self.client,
                                                 self.settings.db)

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
    def subscription_controller(
            self) -> subscriptions.SubscriptionController:
        return self._subscriptions

    @property
    def delivery_controller(self) -> delivery.DeliveryController:
        return self._delivery

    @property
    def transfer_controller(self) -> transfer.TransferController:
        return self._transfer

    @property
    def signals(self) -> base.Signals:
        return self._signals

    def ensure_ready(self) -> None:
        """Once, before the first call: move topics stored in the layout
        before scopes (migration.py). Other threads wait for it; calls of
        the migration itself pass."""
        me = threading.get_ident()
        if self._ready or self._preparing == me:
            return
        with self._ready_lock:
            if self._ready:
                return
            self._preparing = me
            try:
                migration.migrate_topics(self)
                self._ready = True
                self.executor.before = None
            finally:
                self._preparing = None

    def is_alive(self) -> bool:
        """One PING (of each master on a cluster), no retries."""
        try:
            if self.client is None:
                return self.wire.ping()
            return bool(self.client.ping())
        except redis_errors.RedisError:
            return False

    def gc(self) -> int:
        """Remove expired messages, claims and subscriptions of every queue
        in the project index; forget projects that have no queue left."""
        run = self.executor.call
        removed = 0
        for project in self._projects():
            empty = True
            for kind in scopes.KINDS:
                index = keys.queue_index(project, kind)
                names = [records.text(n) for n in run(
                    lambda w, r, i=index: w.call('ZRANGE', i, 0, -1))]
                empty = empty and not names
                removed += self._gc_queues(project, names, kind)
            if empty:
                self._forget_project(project)
        return removed

    def _projects(self) -> list[str]:
        """Every project with queues: the index, or on a cluster a scan of
        the masters (cluster_index.py), which also relists projects whose
        deliveries a crash left out of the active index."""
        if self.keys.cluster:
            self.active_projects.rediscover()
            return sorted(set(self.active_projects.scan('queues')) |
                          set(self.active_projects.scan('topics')))
        return [records.text(p) for p in self.executor.call(
            lambda w, r: w.call('SMEMBERS', keys.PROJECTS))]

    def _gc_queues(self, project: str, names: list[str],
                   kind: str = scopes.QUEUE) -> int:
        """Run gc.lua on the queues, GC_QUEUES per round trip, again on
        those that still had something to remove."""
        removed = 0
        while names:
            batch, names = names[:GC_QUEUES], names[GC_QUEUES:]
            commands = [self.scripts.command(
                'gc', (*self.keys.queue_keys(project, name, kind),
                       *self.keys.outbox_keys(project, name, kind)),
                (records.now(), GC_BATCH)) for name in batch]
            counts = self.executor.call(lambda w, r, c=commands: w.batch(c))
            removed += sum(int(c) for c in counts)
            names += [n for n, c in zip(batch, counts, strict=True) if c]
        return removed

    def _forget_project(self, project: str) -> None:
        """Drop a project without queues or topics from the index
        (atomically: a concurrent post that creates one keeps it there)."""
        pkeys = (self.keys.projects(project), keys.queue_index(project),
                 keys.queue_index(project, scopes.TOPIC))
        self.executor.call(
            lambda w, r: w.script('project_forget', pkeys, (project,)))

    def close(self) -> None:
        self._signals.close()
        if self.client is None:
            self.wire.close()
            return
        self.client.close()
        try:
            self.client.connection_pool.disconnect()
        except Exception:  # best effort
            LOG.debug('Error closing the Redis pool', exc_info=True)
