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

"""Contract: the management store (pools, flavors, catalogue) on every backend.

One store per test class, built from the backend's private database (SQL),
key namespace (Redis) or database (MongoDB). Pools and flavors are global
objects, so each test names its own with a unique prefix and never assumes
the store is empty.
"""

from __future__ import annotations

import threading
import uuid

import testtools

from tests import backends
from zaqar.storage import control, loader

# Backends with a management store, and their class-name suffixes.
STORES = {'sqlite': 'SQLite', 'postgresql': 'PostgreSQL', 'mysql': 'MySQL',
          'redis': 'Redis', 'mongodb': 'MongoDB'}


class _State:
    backend = None
    store: control.ControlDriver | None = None
    skip: str | None = None
    failure: str | None = None
    error: BaseException | None = None


class ManagementTestCase(testtools.TestCase):
    backend_name = ''
    _state: _State | None = None
    _lock = threading.Lock()

    def _build(self) -> _State:
        state = _State()
        try:
            state.backend = backends.ALL[self.backend_name](self)
            uri, options = state.backend.setup()
            options = dict(options)
            if self.backend_name == 'redis':
                options['namespace'] = 'zt-' + uuid.uuid4().hex
            state.store = loader.load_control_driver(
                backends.ALL[self.backend_name].driver, uri, options)
        except self.skipException as exc:
            state.skip = str(exc)
        except self.failureException as exc:
            state.failure = str(exc)
        except Exception as exc:  # noqa: BLE001 - raised in every test
            state.error = exc
        return state

    @classmethod
    def tearDownClass(cls):
        state = cls.__dict__.get('_state')
        cls._state = None
        if state is not None and state.store is not None:
            state.store.close()
            state.backend.cleanup()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        cls = type(self)
        with cls._lock:
            if cls.__dict__.get('_state') is None:
                cls._state = self._build()
        state = cls._state
        if state.skip:
            self.skipTest(state.skip)
        if state.failure:
            self.fail(state.failure)
        if state.error is not None:
            raise state.error
        self.store = state.store
        self.pools = state.store.pools_controller
        self.flavors = state.store.flavors_controller
        self.catalogue = state.store.catalogue_controller
        self.tag = uuid.uuid4().hex[:10]

    def name(self, what: str) -> str:
        """A pool or flavor name unique to this test (cleaned up after)."""
        return f'{self.tag}-{what}'

    def pool(self, what: str, weight: int = 100, flavor: str | None = None,
             options: dict | None = None) -> control.Pool:
        pool = control.Pool(self.name(what), f'redis://h-{self.tag}-{what}',
                            weight, flavor, options or {})
        self.assertTrue(self.pools.put(pool))
        self.addCleanup(self._drop_pool, pool.name)
        return pool

    def flavor(self, what: str, pools: list[str], caps=None) -> str:
        name = self.name(what)
        self.flavors.put(name, pools, caps)
        self.addCleanup(self.flavors.delete, name)
        return name

    def _drop_pool(self, name: str) -> None:
        try:
            self.pools.delete(name)
        except control.PoolInUseByFlavor as exc:
            self.flavors.delete(exc.flavor)
            self.pools.delete(name)

    def mine(self, items) -> list[str]:
        return [i.name for i in items if i.name.startswith(self.tag)]


class PoolsContract:
    def test_put_then_get_round_trips(self):
        pool = self.pool('a', 7, options={'k': [1, 'two']})
        self.assertEqual(pool, self.pools.get(pool.name))
        self.assertIsNone(self.pools.get(pool.name).flavor)

    def test_put_again_replaces_and_says_so(self):
        pool = self.pool('a')
        changed = control.Pool(pool.name, pool.uri + '-2', 3, 'f', {'x': 1})
        self.assertFalse(self.pools.put(changed))
        self.assertEqual(changed, self.pools.get(pool.name))

    def test_get_of_missing_pool_raises(self):
        self.assertRaises(control.PoolDoesNotExist, self.pools.get,
                          self.name('nope'))

    def test_uri_of_another_pool_is_refused_and_nothing_changes(self):
        first = self.pool('a')
        second = self.pool('b')
        self.assertRaises(control.PoolAlreadyExists, self.pools.put,
                          control.Pool(self.name('c'), first.uri, 1))
        self.assertRaises(control.PoolDoesNotExist, self.pools.get,
                          self.name('c'))
        self.assertRaises(control.PoolAlreadyExists, self.pools.update,
                          second.name, uri=first.uri)
        self.assertEqual(second, self.pools.get(second.name))

    def test_a_released_uri_can_be_reused(self):
        first = self.pool('a')
        self.pools.update(first.name, uri=first.uri + '-moved')
        self.pool('b')  # its own uri
        reuse = control.Pool(self.name('c'), first.uri, 1)
        self.assertTrue(self.pools.put(reuse))
        self.addCleanup(self.pools.delete, reuse.name)

    def test_list_is_sorted_paged_and_complete(self):
        names = [self.pool(w).name for w in ('c', 'a', 'b', 'd')]
        listed = self.mine(self.pools.list(marker=self.tag, limit=None))
        self.assertEqual(sorted(names), listed)
        page = self.pools.list(marker=self.tag, limit=2)
        self.assertEqual(sorted(names)[:2], self.mine(page))
        rest = self.pools.list(marker=page[-1].name, limit=10)
        self.assertEqual(sorted(names)[2:], self.mine(rest))

    def test_update_changes_only_the_given_fields(self):
        pool = self.pool('a', 5, options={'o': 1})
        updated = self.pools.update(pool.name, weight=9)
        self.assertEqual(control.Pool(pool.name, pool.uri, 9, None,
                                      {'o': 1}), updated)
        self.pools.update(pool.name, flavor='gold', options={})
        self.assertEqual(('gold', {}), (self.pools.get(pool.name).flavor,
                                        self.pools.get(pool.name).options))
        self.pools.update(pool.name, flavor=None)
        self.assertIsNone(self.pools.get(pool.name).flavor)

    def test_update_of_missing_pool_raises(self):
        self.assertRaises(control.PoolDoesNotExist, self.pools.update,
                          self.name('nope'), weight=1)

    def test_delete_is_idempotent(self):
        pool = self.pool('a')
        kept = self.pool('b', weight=7, options={'o': 1})
        self.pools.delete(pool.name)
        # The first delete did the work ...
        self.assertRaises(control.PoolDoesNotExist, self.pools.get,
                          pool.name)
        self.assertEqual([kept.name],
                         self.mine(self.pools.list(marker=self.tag,
                                                   limit=10)))
        # ... and the second touches nothing else.
        self.pools.delete(pool.name)
        self.assertRaises(control.PoolDoesNotExist, self.pools.get,
                          pool.name)
        self.assertEqual(kept, self.pools.get(kept.name))
        self.assertEqual([kept.name],
                         self.mine(self.pools.list(marker=self.tag,
                                                   limit=10)))

    def test_delete_of_a_pool_holding_queues_is_refused(self):
        pool = self.pool('a')
        project = 'p-' + self.tag
        self.catalogue.insert(project, 'q', pool.name)
        self.assertRaises(control.PoolInUse, self.pools.delete, pool.name)
        self.assertEqual(pool, self.pools.get(pool.name))
        self.catalogue.delete(project, 'q')
        self.pools.delete(pool.name)

    def test_delete_of_the_last_pool_of_a_flavor_is_refused(self):
        a = self.pool('a')
        b = self.pool('b')
        flavor = self.flavor('f', [a.name, b.name])
        self.pools.delete(a.name)
        error = self.assertRaises(control.PoolInUseByFlavor,
                                  self.pools.delete, b.name)
        self.assertEqual(flavor, error.flavor)
        self.flavors.delete(flavor)
        self.pools.delete(b.name)

    def test_a_flavor_name_without_a_flavor_does_not_hold_a_pool(self):
        pool = self.pool('a', flavor=self.name('ghost'))
        self.pools.delete(pool.name)


class FlavorsContract:
    def test_put_gives_the_listed_pools_the_flavor(self):
        a, b, c = self.pool('a'), self.pool('b'), self.pool('c')
        name = self.flavor('f', [b.name, a.name], {'durable': True})
        flavor = self.flavors.get(name)
        self.assertEqual((name, (a.name, b.name), {'durable': True}),
                         (flavor.name, flavor.pool_list,
                          flavor.capabilities))
        self.assertEqual(name, self.pools.get(a.name).flavor)
        self.assertIsNone(self.pools.get(c.name).flavor)

    def test_put_returns_whether_it_created(self):
        a = self.pool('a')
        name = self.name('f')
        self.assertTrue(self.flavors.put(name, [a.name]))
        self.addCleanup(self.flavors.delete, name)
        self.assertFalse(self.flavors.put(name, [a.name]))

    def test_put_with_an_unknown_pool_changes_nothing(self):
        a = self.pool('a')
        name = self.name('f')
        error = self.assertRaises(control.PoolDoesNotExist, self.flavors.put,
                                  name, [a.name, self.name('nope')])
        self.assertEqual(self.name('nope'), error.name)
        self.assertRaises(control.FlavorDoesNotExist, self.flavors.get, name)
        self.assertIsNone(self.pools.get(a.name).flavor)

    def test_put_again_releases_pools_left_out(self):
        a, b = self.pool('a'), self.pool('b')
        name = self.flavor('f', [a.name, b.name])
        self.flavors.put(name, [b.name])
        self.assertEqual((b.name,), self.flavors.get(name).pool_list)
        self.assertIsNone(self.pools.get(a.name).flavor)

    def test_update_changes_the_pool_list_and_keeps_capabilities(self):
        a, b = self.pool('a'), self.pool('b')
        name = self.flavor('f', [a.name], {'c': 1})
        updated = self.flavors.update(name, pool_list=[b.name])
        self.assertEqual(((b.name,), {'c': 1}),
                         (updated.pool_list, updated.capabilities))
        self.assertIsNone(self.pools.get(a.name).flavor)

    def test_update_of_missing_flavor_raises(self):
        self.assertRaises(control.FlavorDoesNotExist, self.flavors.update,
                          self.name('nope'), pool_list=[])

    def test_delete_clears_its_pools_and_is_idempotent(self):
        a, b = self.pool('a'), self.pool('b')
        name = self.flavor('f', [a.name])
        kept = self.flavor('g', [b.name], {'c': 1})
        self.flavors.delete(name)
        # The first delete did the work ...
        self.assertRaises(control.FlavorDoesNotExist, self.flavors.get, name)
        self.assertIsNone(self.pools.get(a.name).flavor)
        before = (self.flavors.get(kept), self.pools.get(b.name))
        self.assertEqual(((b.name,), {'c': 1}, kept),
                         (before[0].pool_list, before[0].capabilities,
                          before[1].flavor))
        # ... and the second touches nothing else.
        self.flavors.delete(name)
        self.assertRaises(control.FlavorDoesNotExist, self.flavors.get, name)
        self.assertIsNone(self.pools.get(a.name).flavor)
        self.assertEqual(before,
                         (self.flavors.get(kept), self.pools.get(b.name)))

    def test_a_pool_registered_with_the_flavor_joins_it(self):
        name = self.flavor('f', [])
        a = self.pool('a', flavor=name)
        self.assertEqual((a.name,), self.flavors.get(name).pool_list)

    def test_list_is_sorted_and_paged(self):
        names = [self.flavor(w, []) for w in ('b', 'c', 'a')]
        listed = self.mine(self.flavors.list(marker=self.tag, limit=10))
        self.assertEqual(sorted(names), listed)
        page = self.flavors.list(marker=self.tag, limit=1)
        self.assertEqual(sorted(names)[:1], self.mine(page))


class CatalogueContract:
    def setUp(self):
        super().setUp()
        self.project = 'p-' + self.tag
        self.other = 'o-' + self.tag
        self.addCleanup(self._forget)

    def _forget(self):
        for project in (self.project, self.other):
            for queue in ('q1', 'q2', 'q3'):
                self.catalogue.delete(project, queue)

    def test_unplaced_queue_has_no_pool(self):
        self.assertIsNone(self.catalogue.get(self.project, 'q1'))

    def test_insert_places_once(self):
        self.assertEqual('a', self.catalogue.insert(self.project, 'q1', 'a'))
        self.assertEqual('a', self.catalogue.insert(self.project, 'q1', 'b'))
        self.assertEqual('a', self.catalogue.get(self.project, 'q1'))

    def test_concurrent_inserts_agree_on_one_pool(self):
        results = []
        barrier = threading.Barrier(6)

        def place(pool):
            barrier.wait()
            results.append(self.catalogue.insert(self.project, 'q1', pool))

        threads = [threading.Thread(target=place, args=(f'p{i}',))
                   for i in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(1, len(set(results)), results)
        self.assertEqual(results[0], self.catalogue.get(self.project, 'q1'))
        self.assertEqual(1, self.catalogue.count(results[0]))

    def test_move_replaces_or_creates_the_placement(self):
        self.catalogue.insert(self.project, 'q1', 'a')
        self.catalogue.move(self.project, 'q1', 'b')
        self.catalogue.move(self.project, 'q2', 'b')
        self.assertEqual(['b', 'b'], [self.catalogue.get(self.project, q)
                                      for q in ('q1', 'q2')])
        self.assertEqual({'b'}, self.catalogue.pools_of(self.project))

    def test_delete_forgets_and_is_idempotent(self):
        self.catalogue.insert(self.project, 'q1', 'a')
        self.catalogue.insert(self.project, 'q2', 'b')
        self.catalogue.delete(self.project, 'q1')
        # The first delete did the work ...
        self.assertIsNone(self.catalogue.get(self.project, 'q1'))
        self.assertEqual({'b'}, self.catalogue.pools_of(self.project))
        # ... and the second touches nothing else.
        self.catalogue.delete(self.project, 'q1')
        self.assertIsNone(self.catalogue.get(self.project, 'q1'))
        self.assertEqual('b', self.catalogue.get(self.project, 'q2'))
        self.assertEqual({'b'}, self.catalogue.pools_of(self.project))
        self.catalogue.delete(self.project, 'q2')
        self.assertEqual(set(), self.catalogue.pools_of(self.project))

    def test_projects_are_separate(self):
        self.catalogue.insert(self.project, 'q1', 'a')
        self.catalogue.insert(self.other, 'q1', 'b')
        self.assertEqual('a', self.catalogue.get(self.project, 'q1'))
        self.assertEqual('b', self.catalogue.get(self.other, 'q1'))
        self.assertEqual({'b'}, self.catalogue.pools_of(self.other))

    def test_pools_of_and_count_follow_the_placements(self):
        pool_a, pool_b = self.name('a'), self.name('b')
        for queue, pool in (('q1', pool_a), ('q2', pool_a), ('q3', pool_b)):
            self.catalogue.insert(self.project, queue, pool)
        self.catalogue.insert(self.other, 'q1', pool_b)
        self.assertEqual({pool_a, pool_b},
                         self.catalogue.pools_of(self.project))
        self.assertEqual((2, 2), (self.catalogue.count(pool_a),
                                  self.catalogue.count(pool_b)))
        self.catalogue.move(self.project, 'q3', pool_a)
        self.assertEqual({pool_a}, self.catalogue.pools_of(self.project))
        self.assertEqual((3, 1), (self.catalogue.count(pool_a),
                                  self.catalogue.count(pool_b)))


class StoreContract:
    def test_is_alive(self):
        self.assertIs(True, self.store.is_alive())

    def test_driver_name_matches_its_entry_point(self):
        self.assertEqual(backends.ALL[self.backend_name].driver,
                         self.store.name)


for _mixin in (PoolsContract, FlavorsContract, CatalogueContract,
               StoreContract):
    for _name, _suffix in STORES.items():
        _cls_name = _mixin.__name__ + _suffix
        globals()[_cls_name] = type(_cls_name, (_mixin, ManagementTestCase), {
            'backend_name': _name, '__module__': __name__,
            '__qualname__': _cls_name, '_state': None,
            '_lock': threading.Lock()})
