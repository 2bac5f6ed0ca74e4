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

"""The catalog: weighted placement, flavors, and its time-bounded caches."""

from __future__ import annotations

import collections
import random

from tests.unit.common import test_shared_cache
from tests.unit.storage.pooling import base
from zaqar.storage import control, errors
from zaqar.storage.pooling import catalog as catalog_mod

# Draws for the spread check, and how far a share may stray from its
# expected value (about five standard deviations at these sizes).
DRAWS = 10000
TOLERANCE = 0.025


class PlacementTest(base.StoreTestCase):

    def catalog(self, **kwargs) -> catalog_mod.Catalog:
        kwargs.setdefault('rng', random.Random(42))
        return catalog_mod.Catalog(self.store, **kwargs)

    def test_pools_are_chosen_in_proportion_to_their_weights(self):
        weights = {'small': 100, 'medium': 200, 'large': 700}
        for name, weight in weights.items():
            self.add_pool(name, weight)
        catalog = self.catalog()
        counts = collections.Counter(catalog.select()
                                     for _ in range(DRAWS))
        total = sum(weights.values())
        for name, weight in weights.items():
            self.assertAlmostEqual(weight / total, counts[name] / DRAWS,
                                   delta=TOLERANCE)

    def test_a_pool_of_weight_zero_takes_no_new_queue(self):
        self.add_pool('drained', 0)
        self.add_pool('open', 1)
        catalog = self.catalog()
        self.assertEqual({'open'}, {catalog.select() for _ in range(200)})

    def test_queues_without_flavor_avoid_flavored_pools(self):
        self.add_pool('plain')
        self.add_pool('gold', flavor='gold')
        self.store.flavors_controller.put('gold', ['gold'])
        catalog = self.catalog()
        self.assertEqual({'plain'}, {catalog.select() for _ in range(200)})
        self.assertEqual({'gold'},
                         {catalog.select('gold') for _ in range(50)})

    def test_the_virtual_pool_lets_them_go_anywhere(self):
        self.add_pool('plain')
        self.add_pool('gold', flavor='gold')
        catalog = self.catalog(virtual_pool=True)
        self.assertEqual({'plain', 'gold'},
                         {catalog.select() for _ in range(200)})

    def test_unknown_flavor_is_refused(self):
        self.add_pool('plain')
        error = self.assertRaises(control.UnknownFlavor,
                                  self.catalog().select, 'nope')
        self.assertEqual('Flavor nope does not exist', str(error))
        self.assertIsInstance(error, control.PlacementRefused)

    def test_no_suitable_pool_is_a_503_with_a_reason(self):
        catalog = self.catalog()
        error = self.assertRaises(control.NoPoolFound, catalog.select)
        self.assertEqual('No pools registered', str(error))
        self.assertIsInstance(error, errors.StorageUnavailable)
        self.add_pool('gold', flavor='gold')
        self.store.flavors_controller.put('gold', ['gold'])
        self.store.flavors_controller.put('empty', [])
        catalog.invalidate()
        self.assertIn('without a flavor',
                      str(self.assertRaises(control.NoPoolFound,
                                            catalog.select)))
        self.assertIn('flavor empty',
                      str(self.assertRaises(control.NoPoolFound,
                                            catalog.select, 'empty')))

    def test_a_suitable_near_pool_wins(self):
        self.add_pool('a')
        self.add_pool('b')
        self.add_pool('gold', flavor='gold')
        self.store.flavors_controller.put('gold', ['gold'])
        catalog = self.catalog()
        self.assertEqual({'b'}, {catalog.select(near='b')
                                 for _ in range(50)})
        self.assertEqual({'gold'}, {catalog.select('gold', near='b')
                                    for _ in range(50)})

    def test_place_is_first_come_first_served(self):
        self.add_pool('a')
        self.add_pool('b')
        first = self.catalog()
        second = catalog_mod.Catalog(self.new_store())
        holder = first.place('p', 'q')
        self.assertEqual(holder, second.place('p', 'q', near=(
            'b' if holder == 'a' else 'a')))
        self.assertEqual(1, self.store.catalogue_controller.count(holder))


class CacheTest(base.StoreTestCase):
    """Two catalogs on one store stand for two API processes."""

    TTL = 5.0

    def setUp(self):
        super().setUp()
        self.add_pool('a')
        self.add_pool('b')
        self.clock = base.Clock()
        self.mine = catalog_mod.Catalog(self.store, ttl=self.TTL,
                                        clock=self.clock)
        self.theirs = catalog_mod.Catalog(self.new_store(), ttl=self.TTL,
                                          clock=self.clock)

    def test_placements_are_cached_until_the_ttl(self):
        self.theirs.place_on('p', 'q', 'a')
        self.assertEqual('a', self.mine.lookup('p', 'q'))
        self.theirs.move('p', 'q', 'b')
        self.assertEqual('a', self.mine.lookup('p', 'q'))
        self.clock.advance(self.TTL - 0.1)
        self.assertEqual('a', self.mine.lookup('p', 'q'))
        self.clock.advance(0.2)
        self.assertEqual('b', self.mine.lookup('p', 'q'))

    def test_unplaced_answers_are_not_cached(self):
        self.assertIsNone(self.mine.lookup('p', 'q'))
        self.theirs.place_on('p', 'q', 'b')
        self.assertEqual('b', self.mine.lookup('p', 'q'))

    def test_own_changes_apply_at_once(self):
        self.mine.place_on('p', 'q', 'a')
        self.mine.forget('p', 'q')
        self.assertIsNone(self.mine.lookup('p', 'q'))
        self.mine.move('p', 'q', 'b')
        self.assertEqual('b', self.mine.lookup('p', 'q'))

    def test_the_pool_list_is_cached_until_the_ttl_or_invalidation(self):
        self.assertEqual({'a', 'b'}, set(self.mine.pools()))
        self.add_pool('c')
        self.assertEqual({'a', 'b'}, set(self.mine.pools()))
        self.clock.advance(self.TTL + 0.1)
        self.assertEqual({'a', 'b', 'c'}, set(self.mine.pools()))
        self.add_pool('d')
        self.mine.invalidate()
        self.assertIn('d', self.mine.pools())

    def test_a_ttl_of_zero_caches_nothing(self):
        catalog = catalog_mod.Catalog(self.store, ttl=0, clock=self.clock)
        catalog.place_on('p', 'q', 'a')
        self.theirs.move('p', 'q', 'b')
        self.assertEqual('b', catalog.lookup('p', 'q'))

    def test_a_move_is_routed_from_both_entries_and_cached_alike(self):
        self.theirs.place_on('p', 'q', 'a')
        self.assertEqual(('a', None), self.mine.route('p', 'q'))
        self.theirs.begin_move('p', 'q', 'a', 'b')
        self.assertEqual(('b', 'a'), self.theirs.route('p', 'q'))
        self.assertEqual(('a', None), self.mine.route('p', 'q'))
        self.clock.advance(self.TTL + 0.1)
        self.assertEqual(('b', 'a'), self.mine.route('p', 'q'))
        self.assertEqual('b', self.mine.lookup('p', 'q'))
        # The source stays "in use" while it is being drained.
        self.assertEqual(1, self.store.catalogue_controller.count('a'))
        self.theirs.end_move('p', 'q')
        self.assertEqual(('b', None), self.theirs.route('p', 'q'))
        self.assertEqual(('b', None), self.mine.fresh_route('p', 'q'))
        self.assertEqual(0, self.store.catalogue_controller.count('a'))

    def test_a_second_move_of_a_queue_is_refused(self):
        self.mine.place_on('p', 'q', 'a')
        self.mine.begin_move('p', 'q', 'a', 'b')
        self.assertRaises(control.PlacementRefused, self.mine.begin_move,
                          'p', 'q', 'b', 'a')
        self.mine.forget('p', 'q')
        self.assertEqual((None, None), self.mine.fresh_route('p', 'q'))
        self.assertIsNone(self.store.catalogue_controller.get(
            catalog_mod.move_key('p'), 'q'))

    def test_move_keys_fit_the_catalogue_and_differ_per_project(self):
        long_project = 'x' * 256
        self.assertLessEqual(len(catalog_mod.move_key(long_project)), 256)
        self.assertNotEqual(catalog_mod.move_key(long_project),
                            catalog_mod.move_key(long_project + 'y'))
        self.assertNotEqual('p', catalog_mod.move_key('p'))

    def test_the_placement_cache_is_bounded(self):
        catalog = catalog_mod.Catalog(self.store, ttl=self.TTL, size=3,
                                      clock=self.clock)
        for i in range(10):
            catalog.place_on('p', f'q{i}', 'a')
        self.assertEqual(3, len(catalog._placements))
        self.assertEqual({('p', 'q7'), ('p', 'q8'), ('p', 'q9')},
                         set(catalog._placements))


class DriversTest(base.StoreTestCase):

    def setUp(self):
        super().setUp()
        self.clock = base.Clock()
        self.catalog = catalog_mod.Catalog(self.store, ttl=1.0,
                                           clock=self.clock)
        self.addCleanup(self.catalog.close)

    def test_each_pool_driver_is_built_once(self):
        self.add_pool('a')
        driver = self.catalog.driver('a')
        self.clock.advance(5)  # the pool list is read again
        self.assertIs(driver, self.catalog.driver('a'))
        self.assertEqual('sqlalchemy', driver.name)

    def test_a_changed_uri_gets_a_new_driver(self):
        self.add_pool('a')
        old = self.catalog.driver('a')
        self.store.pools_controller.update('a', uri=self.sqlite_uri('a2'))
        self.clock.advance(5)
        new = self.catalog.driver('a')
        self.assertIsNot(old, new)
        self.assertEqual(self.sqlite_uri('a2'), new.uri)

    def test_a_pool_registered_elsewhere_is_found_at_once(self):
        self.assertEqual({}, self.catalog.pools())
        self.add_pool('late')
        self.assertEqual('sqlalchemy', self.catalog.driver('late').name)

    def test_an_unknown_or_unusable_pool_is_unavailable(self):
        self.assertRaises(errors.StorageUnavailable, self.catalog.driver,
                          'nope')
        self.add_pool('odd', uri='foo://127.0.0.1/x')
        self.assertRaises(errors.StorageUnavailable, self.catalog.driver,
                          'odd')
        self.assertEqual({}, self.catalog.drivers())


class SharedCacheTest(base.StoreTestCase):
    """Two catalogs (two API processes) over one oslo.cache region."""

    TTL = 5.0

    def setUp(self):
        super().setUp()
        self.add_pool('a')
        self.add_pool('b')
        region = test_shared_cache.dict_region(self)
        self.mine = catalog_mod.Catalog(self.store, ttl=self.TTL,
                                        region=region, shared_ttl=600)
        self.theirs = catalog_mod.Catalog(self.new_store(), ttl=self.TTL,
                                          region=region, shared_ttl=600)

    def test_a_move_elsewhere_is_seen_at_once(self):
        self.theirs.place_on('p', 'q', 'a')
        self.assertEqual('a', self.mine.lookup('p', 'q'))
        self.theirs.move('p', 'q', 'b')
        self.assertEqual('b', self.mine.lookup('p', 'q'))

    def test_a_forgotten_queue_is_unplaced_everywhere(self):
        self.mine.place_on('p', 'q', 'a')
        self.assertEqual('a', self.theirs.lookup('p', 'q'))
        self.mine.forget('p', 'q')
        self.assertIsNone(self.theirs.lookup('p', 'q'))

    def test_placements_are_read_from_the_region(self):
        self.theirs.place_on('p', 'q', 'a')
        self.assertEqual('a', self.mine.lookup('p', 'q'))
        # Changed behind the catalogs' back: the shared entry still holds.
        self.new_store().catalogue_controller.move('p', 'q', 'b')
        self.assertEqual('a', self.mine.lookup('p', 'q'))

    def test_a_pool_change_elsewhere_is_seen_at_once(self):
        self.assertEqual({'a', 'b'}, set(self.mine.pools()))
        self.add_pool('c')
        self.assertEqual({'a', 'b'}, set(self.mine.pools()))
        self.theirs.invalidate()
        self.assertEqual({'a', 'b', 'c'}, set(self.mine.pools()))
        self.assertIs(self.mine.driver('c'), self.mine.driver('c'))
        self.mine.close()
        self.theirs.close()
