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

"""Queue placement: which pool holds a queue, chosen by weight, cached briefly.

The management store is the truth; each process keeps two caches of it,
both bounded in time (``ttl`` seconds) so that a change made by another
process is seen within ``ttl``:

* placements ``(project, queue) -> pool`` (only positive answers, so a
  queue placed elsewhere is found at once; at most ``size`` entries);
* the pool list, from which pool drivers are built (once per pool, and
  again only when its URI or options change).

A queue being moved to another pool (``mover``) has two catalogue
entries: its placement names the destination (where posts go) and a
second entry, under a project key no API project can have
(``move_key``), names the source still being drained. Both are read and
cached together (``route``).

Changes made through this process (placing, forgetting, pool and flavor
changes through the admin API) update or drop the caches at once.

Given an oslo.cache ``region`` (``[cache] enabled``), both caches live
there instead (zaqar.common.shared_cache): every API process reads the
same entries, so a change made through any of them is seen at once by
all. Invalidation then drops the shared pool list; placements stay, as
no pool or flavor change moves a placed queue (a move rewrites its
queue's entry).
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import threading
import time
from collections.abc import Callable

from zaqar.common import shared_cache
from zaqar.storage import base, control, errors, loader, scope

LOG = logging.getLogger(__name__)

Clock = Callable[[], float]

# Starts the catalogue's project key of a queue's move. The control
# character cannot come in an HTTP header, so no API project has it.
MOVE_PREFIX = '\x1fmoving\x1f'
# Longest project key the SQL catalogue stores.
_PROJECT_KEY_LIMIT = 256


def move_key(project: str) -> str:
    """The catalogue project under which a move of ``project``'s queue
    records the source pool."""
    key = MOVE_PREFIX + project
    if len(key) <= _PROJECT_KEY_LIMIT:
        return key
    return MOVE_PREFIX + '#' + hashlib.sha256(project.encode()).hexdigest()


def entry_project(project: str, kind: str = scope.QUEUE) -> str:
    """The catalogue project key of a queue's or a topic's placement.

    The catalogue is keyed by (project, name) and has no kind of its own:
    a topic's placement is kept under the project key topics had before
    they were a storage scope (a line feed, then the project: no API
    project has a control character), hashed when that would not fit.
    """
    if kind != scope.TOPIC:
        return project
    key = scope.legacy_project(project)
    if len(key) <= _PROJECT_KEY_LIMIT:
        return key
    return (scope.LEGACY_TOPIC_MARKER + '#'
            + hashlib.sha256(project.encode()).hexdigest())


class _Built:
    """A pool's driver and the settings it was built from."""

    __slots__ = ('driver', 'generation', 'settings')

    def __init__(self, settings: tuple, driver: base.DataDriver,
                 generation: int):
        self.settings = settings
        self.driver = driver
        self.generation = generation


class Catalog:
    """Placement and pool drivers over one management store.

    :param on_build: called with every pool driver built (the router
        shares its delivery wake-up event this way).
    """

    def __init__(self, store: control.ControlDriver, *, ttl: float = 5.0,
                 size: int = 100000, virtual_pool: bool = False,
                 rng: random.Random | None = None,
                 clock: Clock = time.monotonic,
                 on_build: Callable[[base.DataDriver], None] | None = None,
                 region=None, shared_ttl: float | None = None):
        self.store = store
        self.ttl = ttl
        self.size = size
        self.virtual_pool = virtual_pool
        # Weighted placement, not a secret.
        self._rng = rng or random.Random()  # nosec B311
        self._clock = clock
        self._on_build = on_build
        self._lock = threading.Lock()
        # (project, queue) -> (pool, source being drained or None, expiry)
        self._placements: dict[tuple[str, str],
                               tuple[str, str | None, float]] = {}
        self._pools: dict[str, control.Pool] | None = None
        self._pools_expire = 0.0
        self._generation = 0
        self._drivers: dict[str, _Built] = {}
        # The oslo.cache entries standing in for _placements and _pools.
        self._shared_placements = self._shared_pools = None
        if region is not None and ttl > 0:
            self._shared_placements = shared_cache.Shared(
                region, 'pool-placement', shared_ttl or ttl)
            self._shared_pools = shared_cache.Shared(
                region, 'pools', shared_ttl or ttl)

    # -- pools and their drivers ----------------------------------------

    def pools(self, *, fresh: bool = False) -> dict[str, control.Pool]:
        """Every registered pool by name (cached for ``ttl`` seconds)."""
        if self._shared_pools is not None:
            pools = shared_cache.MISSING if fresh else self._shared_pools.get()
            if pools is shared_cache.MISSING:
                pools = {pool.name: pool for pool
                         in self.store.pools_controller.list(limit=None)}
                self._shared_pools.set(pools)
            return pools
        pools = self._pools
        if fresh or pools is None or self._clock() >= self._pools_expire:
            listed = self.store.pools_controller.list(limit=None)
            pools = {pool.name: pool for pool in listed}
            with self._lock:
                self._pools = pools
                self._pools_expire = self._clock() + self.ttl
                self._generation += 1
        return pools

    def driver(self, name: str) -> base.DataDriver:
        """The data driver of pool ``name``, built on first use.

        Raises StorageUnavailable when the pool is not registered (any
        more) or its driver cannot be built.
        """
        built = self._drivers.get(name)
        if built is not None and built.generation == self._generation \
                and self._pools is not None \
                and self._clock() < self._pools_expire:
            return built.driver
        pool = self.pools().get(name) or self.pools(fresh=True).get(name)
        if pool is None:
            raise errors.StorageUnavailable(f'Pool {name} is not registered')
        settings = (pool.uri, json.dumps(pool.options, sort_keys=True))
        with self._lock:
            built = self._drivers.get(name)
            if built is not None and built.settings == settings:
                built.generation = self._generation
                return built.driver
            driver = self._build(pool)
            self._drivers[name] = _Built(settings, driver, self._generation)
        if built is not None:
            LOG.info('Pool %s changed: its old driver is closed', name)
            _close(built.driver)
        return driver

    def _build(self, pool: control.Pool) -> base.DataDriver:
        try:
            driver = loader.load_data_driver(
                loader.driver_name_for_uri(pool.uri), pool.uri, pool.options)
        except errors.StorageError:
            raise
        except Exception as exc:
            LOG.error('Pool %s: cannot build its driver: %s', pool.name, exc)
            raise errors.StorageUnavailable(
                f'Pool {pool.name} cannot be used') from exc
        if self._on_build is not None:
            self._on_build(driver)
        return driver

    def drivers(self) -> dict[str, base.DataDriver]:
        """A driver for every registered pool (those that can be built)."""
        result = {}
        for name in sorted(self.pools()):
            try:
                result[name] = self.driver(name)
            except errors.StorageUnavailable:
                LOG.warning('Pool %s skipped: no driver', name)
        return result

    # -- placements -------------------------------------------------------

    def lookup(self, project: str, queue: str) -> str | None:
        """The pool holding the queue, or None when it is on no pool.

        During a move this is the destination (see ``route``).
        """
        return self.route(project, queue)[0]

    def route(self, project: str, queue: str
              ) -> tuple[str | None, str | None]:
        """(pool holding the queue, source pool of a move in progress)."""
        key = (project, queue)
        if self._shared_placements is not None:
            hit = self._shared_placements.get(project, queue)
            if hit is not shared_cache.MISSING:
                return hit[0], hit[1]
            return self._read(key)
        hit = self._placements.get(key)
        if hit is not None and hit[2] > self._clock():
            return hit[0], hit[1]
        return self._read(key)

    def _read(self, key: tuple[str, str]) -> tuple[str | None, str | None]:
        catalogue = self.store.catalogue_controller
        pool = catalogue.get(*key)
        if pool is None:
            self._placements.pop(key, None)
            return None, None
        source = catalogue.get(move_key(key[0]), key[1])
        if source == pool:
            source = None  # a move that has not re-placed the queue yet
        self._remember(key, pool, source)
        return pool, source

    def fresh_route(self, project: str, queue: str
                    ) -> tuple[str | None, str | None]:
        """``route`` read from the store, never from the cache."""
        return self._read((project, queue))

    def begin_move(self, project: str, queue: str, source: str,
                   target: str) -> None:
        """Record the move of a queue from ``source`` (where it is) to
        ``target``, then place it on ``target``: posts go there from now
        on (in other processes once their cache expires).

        :raises PlacementRefused: another move of the queue is recorded.
        """
        catalogue = self.store.catalogue_controller
        holder = catalogue.insert(move_key(project), queue, source)
        if holder != source:
            raise control.PlacementRefused(
                f'Queue {queue} is already being moved from pool {holder}.')
        catalogue.move(project, queue, target)
        self._remember((project, queue), target, source)

    def end_move(self, project: str, queue: str) -> None:
        """Forget the source of a finished move."""
        self.store.catalogue_controller.delete(move_key(project), queue)
        key = (project, queue)
        if self._shared_placements is not None:
            self._shared_placements.delete(project, queue)
            return
        hit = self._placements.get(key)
        if hit is not None:
            self._remember(key, hit[0], None)

    def place(self, project: str, queue: str, *, flavor: str | None = None,
              near: str | None = None) -> str:
        """Place an unplaced queue; return the pool holding it.

        :param flavor: the queue's ``_flavor``: choose among its pools.
        :param near: a pool to use if it suits the flavor (dead-letter
            affinity).
        :raises UnknownFlavor: ``flavor`` does not exist.
        :raises NoPoolFound: no pool can take the queue.
        """
        chosen = self.select(flavor, near=near)
        holder = self.store.catalogue_controller.insert(project, queue,
                                                        chosen)
        self._remember((project, queue), holder, None)
        return holder

    def place_on(self, project: str, queue: str, pool: str) -> str:
        """Place the queue on ``pool`` unless it is placed already;
        return the pool holding it."""
        holder = self.store.catalogue_controller.insert(project, queue, pool)
        self._remember((project, queue), holder, None)
        return holder

    def move(self, project: str, queue: str, pool: str) -> None:
        """Re-place a queue (its data is not copied)."""
        self.store.catalogue_controller.move(project, queue, pool)
        self._remember((project, queue), pool, None)

    def forget(self, project: str, queue: str) -> None:
        """Forget the placement (and a move in progress)."""
        self.store.catalogue_controller.delete(project, queue)
        self.store.catalogue_controller.delete(move_key(project), queue)
        if self._shared_placements is not None:
            self._shared_placements.delete(project, queue)
        self._placements.pop((project, queue), None)

    def pools_of(self, project: str) -> list[str]:
        """The pools holding the project's queues, by name."""
        return sorted(self.store.catalogue_controller.pools_of(project))

    def invalidate(self) -> None:
        """Drop every cached answer (pools or flavors changed)."""
        if self._shared_pools is not None:
            self._shared_pools.delete()
        with self._lock:
            self._pools = None
            self._placements.clear()

    def _remember(self, key: tuple[str, str], pool: str,
                  source: str | None) -> None:
        if self.ttl <= 0:
            return
        if self._shared_placements is not None:
            self._shared_placements.set((pool, source), *key)
            return
        with self._lock:
            self._placements.pop(key, None)
            self._placements[key] = (pool, source, self._clock() + self.ttl)
            while len(self._placements) > self.size:
                del self._placements[next(iter(self._placements))]

    # -- choosing a pool ----------------------------------------------------

    def candidates(self, flavor: str | None) -> list[control.Pool]:
        """Pools a new queue of ``flavor`` may go to (weight > 0)."""
        pools = self.pools().values()
        if flavor is not None:
            eligible = [p for p in pools if p.flavor == flavor]
        else:
            eligible = [p for p in pools
                        if self.virtual_pool or not p.flavor]
        return sorted((p for p in eligible if p.weight > 0),
                      key=lambda p: p.name)

    def select(self, flavor: str | None = None, *,
               near: str | None = None) -> str:
        """A pool for a new queue, at random in proportion to weights."""
        if flavor is not None:
            if not isinstance(flavor, str):
                raise control.PlacementRefused('_flavor must be a string.')
            try:
                self.store.flavors_controller.get(flavor)
            except control.FlavorDoesNotExist:
                raise control.UnknownFlavor(flavor) from None
        pools = self.candidates(flavor)
        if near is not None and any(p.name == near for p in pools):
            return near
        if not pools:
            if flavor is not None:
                raise control.NoPoolFound(
                    f'No pool of flavor {flavor} can take new queues')
            if not self.pools():
                raise control.NoPoolFound('No pools registered')
            raise control.NoPoolFound(
                'No pool without a flavor can take new queues')
        return self._rng.choices(pools, weights=[p.weight for p in pools]
                                 )[0].name

    def close(self) -> None:
        with self._lock:
            built, self._drivers = list(self._drivers.values()), {}
        for entry in built:
            _close(entry.driver)
        self.store.close()


def _close(driver: base.DataDriver) -> None:
    try:
        driver.close()
    except Exception:
        LOG.debug('Error closing a pool driver', exc_info=True)
