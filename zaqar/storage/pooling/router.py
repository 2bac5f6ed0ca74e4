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

"""The pooled data driver: one DataDriver that sends each queue to its pool.

Most calls are forwarded generically (``forwarding``); this module holds
the few that do more than forward:

* queue create places the queue: on a pool of its ``_flavor`` or, without
  one, on a pool with no flavor, at random in proportion to the weights;
  a queue naming a dead-letter queue goes where that queue is, and the
  dead-letter queue is kept on the source's pool (moving a message between
  pools is not atomic, so both must share one);
* queue delete also forgets the placement;
* listing and counting queues merge the pools holding the project's queues;
* the notification outbox leases from every pool and settles each
  delivery on the pool of its queue (on both pools of a queue being
  moved, see ``moving`` and ``mover``).

A pool that cannot be reached fails the calls on its own queues (the
driver raises StorageUnavailable, answered 503); other queues keep working.
"""

from __future__ import annotations

import heapq
import itertools
import logging
from collections.abc import Iterable
from typing import Any

from zaqar.storage import base, control, errors, loader, models, transfer
from zaqar.storage.pooling import catalog as catalog_mod
from zaqar.storage.pooling import forwarding
from zaqar.storage.pooling import signals as pooled_signals

LOG = logging.getLogger(__name__)


def _dead_letter_queue(name: str, metadata: dict | None) -> str | None:
    """The dead-letter queue a queue's metadata names, if any."""
    dlq = (metadata or {}).get('_dead_letter_queue')
    return dlq if isinstance(dlq, str) and dlq and dlq != name else None


class _Part:
    """A hand-written part of a pooled controller."""

    def __init__(self, router: DataDriver):
        self._router = router


class _Queues(_Part):
    """Queue records: placement, dead-letter affinity, merged listings.

    A topic is placed like a queue, under its own catalogue key
    (``catalog.entry_project``); it has no dead-letter queue.
    """

    def create(self, name: str, *, project: str, scope: str = base.QUEUE,
               metadata: dict | None = None) -> bool:
        catalog = self._router.catalog
        key = catalog_mod.entry_project(project, scope)
        dlq = _dead_letter_queue(name, metadata) if scope == base.QUEUE \
            else None
        pool = catalog.lookup(key, name)
        placed_here = pool is None
        if placed_here:
            near = catalog.lookup(project, dlq) if dlq else None
            pool = catalog.place(key, name,
                                 flavor=(metadata or {}).get('_flavor')
                                 or None, near=near)
        try:
            self._keep_dead_letters(project, name, pool, dlq)
        except control.PlacementRefused:
            if placed_here:
                catalog.forget(key, name)
            raise
        return catalog.driver(pool).queue_controller.create(
            name, project=project, scope=scope, metadata=metadata)

    def set_metadata(self, name: str, metadata: dict, *,
                     project: str, scope: str = base.QUEUE) -> None:
        key = catalog_mod.entry_project(project, scope)
        pool, source = self._router.catalog.route(key, name)
        if pool is None:
            raise errors.QueueDoesNotExist(name, project)
        if scope == base.QUEUE:
            self._keep_dead_letters(project, name, pool,
                                    _dead_letter_queue(name, metadata))
        self._router.catalog.driver(pool).queue_controller.set_metadata(
            name, metadata, project=project, scope=scope)
        if source is not None:
            # The source still serves claims (claim limits, dead letters).
            try:
                self._router.catalog.driver(
                    source).queue_controller.set_metadata(
                    name, metadata, project=project, scope=scope)
            except errors.QueueDoesNotExist:
                pass

    def _keep_dead_letters(self, project: str, name: str, pool: str,
                           dlq: str | None) -> None:
        """Place ``dlq`` on ``pool``; refuse if it lives elsewhere."""
        if dlq is None:
            return
        holder = self._router.catalog.place_on(project, dlq, pool)
        if holder != pool:
            raise control.PlacementRefused(
                f'The dead letter queue {dlq} is stored apart from queue '
                f'{name}; choose a dead letter queue created after it, or '
                f'one not created yet.')

    def delete(self, name: str, *, project: str,
               scope: str = base.QUEUE) -> None:
        catalog = self._router.catalog
        key = catalog_mod.entry_project(project, scope)
        pool, source = catalog.route(key, name)
        if pool is None:
            return
        if source is not None:
            catalog.driver(source).queue_controller.delete(
                name, project=project, scope=scope)
        catalog.driver(pool).queue_controller.delete(name, project=project,
                                                     scope=scope)
        catalog.forget(key, name)

    def list(self, *, project: str, scope: str = base.QUEUE,
             marker: str | None = None, limit: int = 10,
             detailed: bool = False, name: str | None = None
             ) -> tuple[list[models.Queue], str | None]:
        drivers = self._router.project_drivers(
            catalog_mod.entry_project(project, scope))
        pages = [driver.queue_controller.list(
            project=project, scope=scope, marker=marker, limit=limit,
            detailed=detailed, name=name)[0] for driver in drivers]
        merged: list[models.Queue] = []
        for queue in heapq.merge(*pages, key=lambda q: q.name.encode()):
            if merged and merged[-1].name == queue.name:
                continue  # a stale copy on a former pool
            merged.append(queue)
            if len(merged) == limit:
                break
        return merged, (merged[-1].name if merged else None)

    def count(self, *, project: str, scope: str = base.QUEUE,
              name: str | None = None) -> int:
        drivers = self._router.project_drivers(
            catalog_mod.entry_project(project, scope))
        return sum(driver.queue_controller.count(project=project,
                                                 scope=scope, name=name)
                   for driver in drivers)


class _Deliveries(_Part):
    """The outbox: lease from every pool, settle on the queue's pool."""

    def __init__(self, router: DataDriver):
        super().__init__(router)
        self._turn = itertools.count()

    def lease(self, limit: int, seconds: float, *,
              project: str | None = None) -> list[base.Delivery]:
        catalog = self._router.catalog
        names = (sorted(set(catalog.pools_of(project)).union(
            catalog.pools_of(catalog_mod.entry_project(project, base.TOPIC))))
            if project is not None else sorted(catalog.pools()))
        if not names:
            return []
        # Start at another pool each time so that none starves the rest.
        start = next(self._turn) % len(names)
        leased: list[base.Delivery] = []
        failed = 0
        for name in names[start:] + names[:start]:
            if len(leased) >= limit:
                break
            try:
                leased += catalog.driver(name).delivery_controller.lease(
                    limit - len(leased), seconds, project=project)
            except errors.StorageUnavailable as exc:
                failed += 1
                LOG.warning('Pool %s: deliveries not leased: %s', name, exc)
        if failed == len(names):
            raise errors.StorageUnavailable('No pool answers')
        return leased

    def fan_out(self, queue: str, messages, *, project: str,
                scope: str = base.QUEUE,
                traceparent: str | None = None) -> int:
        """On the pool of the queue; a topic post places its topic."""
        catalog = self._router.catalog
        key = catalog_mod.entry_project(project, scope)
        pool = catalog.lookup(key, queue)
        if pool is None:
            if scope != base.TOPIC:
                return 0
            pool = catalog.place(key, queue)
        return catalog.driver(pool).delivery_controller.fan_out(
            queue, messages, project=project, scope=scope,
            traceparent=traceparent)

    def _outboxes(self, delivery: base.Delivery) -> list:
        """The outbox of the queue's pool; during a move the source's
        too (deliveries leased there before the move settle there)."""
        catalog = self._router.catalog
        return [catalog.driver(pool).delivery_controller
                for pool in catalog.route(catalog_mod.entry_project(
                    delivery.project, delivery.scope), delivery.queue)
                if pool is not None]

    def complete(self, deliveries: Iterable[base.Delivery]) -> None:
        groups: dict[tuple[str, str, str], list[base.Delivery]] = {}
        for delivery in deliveries:
            groups.setdefault((delivery.project, delivery.scope,
                               delivery.queue), []).append(delivery)
        for group in groups.values():
            for outbox in self._outboxes(group[0]):
                outbox.complete(group)

    def retry(self, delivery: base.Delivery, at: float, error: str) -> bool:
        return any([outbox.retry(delivery, at, error)
                    for outbox in self._outboxes(delivery)])

    def fail(self, delivery: base.Delivery, error: str) -> bool:
        return any([outbox.fail(delivery, error)
                    for outbox in self._outboxes(delivery)])


_Queues = forwarding.controller_class('queue_controller', _Queues)
_Messages = forwarding.controller_class('message_controller', _Part)
_Claims = forwarding.controller_class('claim_controller', _Part)
_Subscriptions = forwarding.controller_class('subscription_controller',
                                             _Part)
_Deliveries = forwarding.controller_class('delivery_controller', _Deliveries)
_Transfer = forwarding.controller_class('transfer_controller', _Part)


class DataDriver(base.DataDriver):
    """Queues spread over the pools of a management store.

    ``uri`` is the management store's (its driver is chosen by scheme
    unless ``options['management_store']`` names it). Options:
    ``cache_ttl`` and ``cache_size`` (the catalog cache),
    ``enable_virtual_pool`` (unflavored queues may go to any pool),
    ``management_options`` (the management store driver's own options).
    ``store`` hands over a management store that is already built;
    ``cache_region`` (oslo.cache, ``[cache] enabled``) shares the catalog
    cache between processes, its entries trusted for ``shared_cache_ttl``
    seconds (option; ``cache_ttl`` when unset).
    """

    name = 'pooled'

    def __init__(self, uri: str, options: dict[str, Any] | None = None, *,
                 store: control.ControlDriver | None = None,
                 cache_region=None):
        super().__init__(uri, options)
        if store is None:
            kind = (self.options.get('management_store')
                    or loader.driver_name_for_uri(uri))
            store = loader.load_control_driver(
                kind, uri, self.options.get('management_options'))
        self.store = store
        self._queues = _Queues(self)
        self._messages = _Messages(self)
        self._claims = _Claims(self)
        self._subscriptions = _Subscriptions(self)
        self._deliveries = _Deliveries(self)
        self._transfer = _Transfer(self)
        self._signals = pooled_signals.PooledSignals(self)
        self.catalog = catalog_mod.Catalog(
            store, ttl=float(self.options.get('cache_ttl', 5.0)),
            size=int(self.options.get('cache_size', 100000)),
            virtual_pool=bool(self.options.get('enable_virtual_pool')),
            on_build=self._adopt, region=cache_region,
            shared_ttl=self.options.get('shared_cache_ttl'))

    def _adopt(self, driver: base.DataDriver) -> None:
        """A new pool driver wakes this driver's delivery workers."""
        driver.delivery_controller.activity = self._deliveries.activity

    @property
    def queue_controller(self) -> base.QueueController:
        return self._queues

    @property
    def message_controller(self) -> base.MessageController:
        return self._messages

    @property
    def claim_controller(self) -> base.ClaimController:
        return self._claims

    @property
    def subscription_controller(self) -> base.SubscriptionController:
        return self._subscriptions

    @property
    def delivery_controller(self) -> base.DeliveryController:
        return self._deliveries

    @property
    def transfer_controller(self) -> transfer.TransferController:
        return self._transfer

    @property
    def signals(self) -> base.Signals:
        return self._signals

    def project_drivers(self, project: str) -> list[base.DataDriver]:
        """The drivers of the pools holding the project's queues."""
        return [self.catalog.driver(name)
                for name in self.catalog.pools_of(project)]

    def pool_drivers(self) -> dict[str, base.DataDriver]:
        """A driver for every registered pool, by pool name."""
        return self.catalog.drivers()

    def is_alive(self) -> bool:
        """Whether the management store answers (pools: see health)."""
        return self.store.is_alive()

    def gc(self) -> int:
        removed = 0
        for name, driver in self.catalog.drivers().items():
            try:
                removed += driver.gc()
            except errors.StorageError as exc:
                LOG.warning('Pool %s: gc failed: %s', name, exc)
        return removed

    def close(self) -> None:
        self.catalog.close()
