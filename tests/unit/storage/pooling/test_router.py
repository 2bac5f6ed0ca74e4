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

"""The router: complete forwarding, missing-queue answers, dead-letter
affinity, merged listings and an outbox that survives a dead pool."""

from __future__ import annotations

import inspect

from tests.functional import server as fserver
from tests.unit.storage.pooling import base
from zaqar.storage import base as storage_base
from zaqar.storage import control, errors, models
from zaqar.storage.pooling import forwarding, router

HOOK = 'http://example.com/hook'


class ForwardingTableTest(base.StoreTestCase):

    def test_every_contract_method_is_implemented(self):
        driver = router.DataDriver('unused', store=self.store)
        for attr, contract in forwarding.CONTRACTS.items():
            controller = getattr(driver, attr)
            self.assertIsInstance(controller, contract)
            self.assertEqual(frozenset(), type(controller).__abstractmethods__)

    def test_every_rule_names_a_contract_method_taking_a_queue(self):
        for attr, rules in forwarding.RULES.items():
            contract = forwarding.CONTRACTS[attr]
            for name in rules:
                params = list(inspect.signature(
                    getattr(contract, name)).parameters)
                self.assertIn(params[1], ('name', 'queue'), name)
                self.assertIn('project', params, name)


class RouterTestCase(base.StoreTestCase):

    def setUp(self):
        super().setUp()
        self.add_pool('a')
        self.add_pool('b')
        self.router = router.DataDriver('unused', {'cache_ttl': 60},
                                        store=self.store)
        self.addCleanup(self.router.close)
        self.queues = self.router.queue_controller
        self.catalogue = self.store.catalogue_controller

    def pool_of(self, queue: str, project: str = 'p') -> str | None:
        return self.catalogue.get(project, queue)

    def other(self, pool: str) -> str:
        return 'b' if pool == 'a' else 'a'


class MissingQueueTest(RouterTestCase):

    def test_reads_of_an_unplaced_queue_answer_like_a_missing_queue(self):
        r = self.router
        self.assertRaises(errors.QueueDoesNotExist,
                          self.queues.get_metadata, 'q', project='p')
        self.assertRaises(errors.QueueDoesNotExist,
                          self.queues.set_metadata, 'q', {}, project='p')
        self.assertFalse(self.queues.exists('q', project='p'))
        self.assertEqual(models.QueueStats(),
                         self.queues.stats('q', project='p'))
        self.assertEqual(([], None), r.message_controller.list(
            'q', project='p'))
        self.assertRaises(errors.MessageDoesNotExist,
                          r.message_controller.get, 'q', 'm', project='p')
        self.assertEqual([], r.message_controller.pop('q', 3, project='p'))
        self.assertEqual((None, []), r.claim_controller.create(
            'q', project='p', ttl=60, grace=60))
        self.assertRaises(errors.ClaimDoesNotExist,
                          r.claim_controller.update, 'q', 'c', project='p',
                          ttl=60, grace=60)
        self.assertRaises(errors.SubscriptionDoesNotExist,
                          r.subscription_controller.get, 'q', 's',
                          project='p')
        self.assertEqual(storage_base.SubscriberState(),
                         r.delivery_controller.state('q', 's', project='p'))
        self.queues.delete('q', project='p')
        self.assertIsNone(self.pool_of('q'))
        self.assertEqual(set(), self.catalogue.pools_of('p'))

    def test_writes_place_the_queue(self):
        r = self.router
        r.message_controller.post('q1', [{'body': 1, 'ttl': 60, 'delay': 0}],
                                  project='p', client_uuid='c')
        r.subscription_controller.create('q2', HOOK, 60, {}, project='p')
        self.assertTrue(self.queues.create('q3', project='p'))
        for queue in ('q1', 'q2', 'q3'):
            self.assertIn(self.pool_of(queue), ('a', 'b'))

    def test_delete_forgets_the_placement(self):
        self.queues.create('q', project='p')
        self.queues.delete('q', project='p')
        self.assertIsNone(self.pool_of('q'))
        self.assertFalse(self.queues.exists('q', project='p'))


class DeadLetterTest(RouterTestCase):

    def test_the_dead_letter_queue_is_placed_with_its_source(self):
        self.queues.create('src', project='p', metadata={
            '_dead_letter_queue': 'dlq', '_max_claim_count': 1})
        self.assertEqual(self.pool_of('src'), self.pool_of('dlq'))
        self.assertFalse(self.queues.exists('dlq', project='p'))

    def test_a_source_goes_where_its_dead_letter_queue_is(self):
        self.queues.create('dlq', project='p')
        for i in range(8):
            self.queues.create(f'src{i}', project='p',
                               metadata={'_dead_letter_queue': 'dlq'})
            self.assertEqual(self.pool_of('dlq'), self.pool_of(f'src{i}'))

    def test_a_dead_letter_queue_on_another_pool_is_refused(self):
        self.queues.create('src', project='p')
        self.catalogue.insert('p', 'dlq', self.other(self.pool_of('src')))
        self.assertRaises(control.PlacementRefused, self.queues.set_metadata,
                          'src', {'_dead_letter_queue': 'dlq'}, project='p')
        self.assertEqual({}, self.queues.get_metadata('src', project='p'))

    def test_a_refused_create_places_nothing(self):
        self.add_pool('gold', flavor='gold')
        self.store.flavors_controller.put('gold', ['gold'])
        self.router.catalog.invalidate()
        self.catalogue.insert('p', 'dlq', 'a')
        self.assertRaises(control.PlacementRefused, self.queues.create,
                          'src', project='p', metadata={
                              '_flavor': 'gold', '_dead_letter_queue': 'dlq'})
        self.assertIsNone(self.pool_of('src'))


class ListingTest(RouterTestCase):

    def test_a_stale_copy_on_a_former_pool_is_listed_once(self):
        self.queues.create('q', project='p')
        pool = self.pool_of('q')
        self.router.catalog.driver(self.other(pool)).queue_controller.create(
            'q', project='p')
        self.catalogue.insert('p', 'r', self.other(pool))
        self.queues.create('r', project='p')
        names = [q.name for q in self.queues.list(project='p')[0]]
        self.assertEqual(['q', 'r'], names)

    def test_pages_merge_pools_in_byte_order(self):
        names = ['B', 'a', 'a.1', 'a_2', 'b', 'z']
        for i, name in enumerate(names):
            self.catalogue.insert('p', name, 'ab'[i % 2])
            self.queues.create(name, project='p')
        page, marker = self.queues.list(project='p', limit=4)
        self.assertEqual(['B', 'a', 'a.1', 'a_2'], [q.name for q in page])
        page, marker = self.queues.list(project='p', marker=marker, limit=4)
        self.assertEqual(['b', 'z'], [q.name for q in page])
        self.assertEqual('z', marker)
        self.assertEqual(6, self.queues.count(project='p'))
        self.assertEqual(3, self.queues.count(project='p', name='a'))


class OutboxTest(RouterTestCase):

    def test_lease_skips_a_dead_pool_and_settles_on_the_queues_pool(self):
        self.add_pool('dead', weight=0,
                      uri=f'redis://127.0.0.1:{fserver.free_port()}')
        self.router.catalog.invalidate()
        self.queues.create('q', project='p')
        self.router.subscription_controller.create('q', HOOK, 600, {},
                                                   project='p')
        self.router.message_controller.post(
            'q', [{'body': 1, 'ttl': 600, 'delay': 0}], project='p',
            client_uuid='c')
        self.assertTrue(self.router.delivery_controller.activity.is_set())
        leased = self.router.delivery_controller.lease(10, 60)
        self.assertEqual(['q'], [d.queue for d in leased])
        self.router.delivery_controller.complete(leased)
        self.assertEqual(0, self.router.delivery_controller.pending(
            'q', project='p'))

    def test_lease_fails_when_no_pool_answers(self):
        store = self.new_store()
        for name in ('x', 'y'):
            store.pools_controller.put(control.Pool(
                name, f'redis://127.0.0.1:{fserver.free_port()}', 1))
        dead = router.DataDriver('unused', store=store)
        self.addCleanup(dead.close)
        for name in ('a', 'b'):
            store.pools_controller.delete(name)
        self.assertRaises(errors.StorageUnavailable,
                          dead.delivery_controller.lease, 10, 60)
