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

"""MongoDB-specific driver behaviour, on the server of ZAQAR_TEST_MONGODB_URL.

The storage contract itself is tested in tests/contract for every driver;
these tests look at what only this driver has: its documents, indexes,
markers, and claim atomicity across separate clients.
"""

from __future__ import annotations

import threading
import time
import uuid

import testtools

from tests import backends
from zaqar.storage import errors
from zaqar.storage.mongodb import codec, indexes
from zaqar.storage.mongodb import driver as mongo_driver


class MongoDriverTest(testtools.TestCase):
    """Each test gets a private database, dropped afterwards."""

    def setUp(self):
        super().setUp()
        self.backend = backends.MongoDBBackend(self)
        self.uri, self.options = self.backend.setup()
        self.addCleanup(self.backend.cleanup)
        self.driver = self.new_driver()
        self.project = 'p-' + uuid.uuid4().hex
        self.raw = self.driver.database

    def new_driver(self) -> mongo_driver.DataDriver:
        driver = mongo_driver.DataDriver(self.uri, self.options)
        self.addCleanup(driver.close)
        return driver

    def post(self, queue, count, ttl=300, driver=None):
        driver = driver or self.driver
        return driver.message_controller.post(
            queue, [{'body': i, 'ttl': ttl, 'delay': 0}
                    for i in range(count)],
            project=self.project, client_uuid=str(uuid.uuid4()))

    def test_indexes_are_created_by_the_first_operation(self):
        self.assertTrue(self.driver.is_alive())
        self.driver.queue_controller.exists('q', project=self.project)
        for collection, models in indexes.INDEXES.items():
            present = set(self.raw[collection].index_information())
            for model in models:
                self.assertIn(model.document['name'], present)

    def test_keys_mongodb_forbids_round_trip_in_bodies_and_metadata(self):
        odd = {'$set': {'a.b': 1}, '$': [2 ** 64], 'x.y': {'$in': None}}
        queues = self.driver.queue_controller
        queues.create('odd', project=self.project, metadata=odd)
        self.assertEqual(odd, queues.get_metadata('odd',
                                                  project=self.project))
        [message_id] = self.driver.message_controller.post(
            'odd', [{'body': odd, 'ttl': 60, 'delay': 0}],
            project=self.project, client_uuid='c')
        self.assertEqual(odd, self.driver.message_controller.get(
            'odd', message_id, project=self.project).body)
        self.driver.subscription_controller.create(
            'odd', 'http://example.com/x', 60, odd, project=self.project)
        [sub], _ = self.driver.subscription_controller.list(
            'odd', project=self.project)
        self.assertEqual(odd, sub.options)

    def test_markers_increase_in_post_order_and_batches_reserve_blocks(self):
        first = self.post('fifo', 3)
        second = self.post('fifo', 2)
        records = list(self.raw[indexes.MESSAGES].find(
            {'project': self.project, 'queue': 'fifo'}).sort('marker', 1))
        self.assertEqual([str(r['_id']) for r in records], first + second)
        self.assertEqual([1, 2, 3, 4, 5], [r['marker'] for r in records])
        queue = self.raw[indexes.QUEUES].find_one(
            {'project': self.project, 'name': 'fifo'})
        self.assertEqual(5, queue['counter'])

    def test_concurrent_claimants_on_separate_clients_never_share(self):
        ids = self.post('busy', 24)
        drivers = [self.new_driver() for _ in range(3)]
        taken: list[list[str]] = [[] for _ in drivers]
        failures: list[BaseException] = []

        def consume(index: int) -> None:
            claims = drivers[index].claim_controller
            try:
                while True:
                    claim_id, got = claims.create(
                        'busy', project=self.project, ttl=300, grace=60,
                        limit=4)
                    if claim_id is None:
                        return
                    taken[index].extend(m.id for m in got)
            except BaseException as exc:  # noqa: BLE001 - reported below
                failures.append(exc)

        threads = [threading.Thread(target=consume, args=(i,))
                   for i in range(len(drivers))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        self.assertEqual([], failures)
        everything = [i for part in taken for i in part]
        self.assertEqual(len(everything), len(set(everything)))
        self.assertEqual(sorted(ids), sorted(everything))

    def test_claim_raises_the_lifetime_of_short_lived_messages(self):
        [message_id] = self.post('short', 1, ttl=60)
        before = time.time()
        claim_id, _ = self.driver.claim_controller.create(
            'short', project=self.project, ttl=100, grace=60)
        record = self.raw[indexes.MESSAGES].find_one(
            {'claim_id': claim_id})
        self.assertGreaterEqual(record['ttl'], 160)
        expires = (record['expires'] - codec.EPOCH).total_seconds()
        self.assertGreaterEqual(expires, before + 160 - 0.01)
        message = self.driver.message_controller.get(
            'short', message_id, project=self.project)
        self.assertEqual(claim_id, message.claim_id)

    def test_dead_lettered_messages_join_the_end_of_the_target_queue(self):
        queues = self.driver.queue_controller
        queues.create('src', project=self.project, metadata={
            '_max_claim_count': 1, '_dead_letter_queue': 'dlq',
            '_dead_letter_queue_messages_ttl': 120})
        [old] = self.post('dlq', 1)
        [moved] = self.post('src', 1)
        claims = self.driver.claim_controller
        claim_id, _ = claims.create('src', project=self.project, ttl=60,
                                    grace=60)
        claims.delete('src', claim_id, project=self.project)
        self.assertEqual((None, []), claims.create(
            'src', project=self.project, ttl=60, grace=60))
        listed, _ = self.driver.message_controller.list(
            'dlq', project=self.project, echo=True)
        self.assertEqual([old, moved], [m.id for m in listed])
        self.assertEqual(120, listed[1].ttl)
        self.assertEqual(1, listed[1].claim_count)
        self.assertIsNone(listed[1].claim_id)

    def test_gc_physically_removes_expired_documents(self):
        self.post('gone', 2, ttl=1)
        self.driver.subscription_controller.create(
            'gone', 'http://example.com/gc', 1, {}, project=self.project)
        time.sleep(1.2)
        self.assertIsInstance(self.driver.gc(), int)
        for collection in (indexes.MESSAGES, indexes.SUBSCRIPTIONS):
            self.assertEqual(0, self.raw[collection].count_documents(
                {'project': self.project}))

    def test_expired_subscription_frees_its_subscriber_uri(self):
        subs = self.driver.subscription_controller
        subs.create('s', 'http://example.com/a', 1, {}, project=self.project)
        self.assertRaises(errors.SubscriptionAlreadyExists, subs.create,
                          's', 'http://example.com/a', 60, {},
                          project=self.project)
        time.sleep(1.2)
        new_id = subs.create('s', 'http://example.com/a', 60, {},
                             project=self.project)
        self.assertEqual(new_id, subs.get_with_subscriber(
            's', 'http://example.com/a', project=self.project).id)

    def test_malformed_ids_give_contract_errors_not_bson_ones(self):
        self.post('ids', 1)
        messages = self.driver.message_controller
        claims = self.driver.claim_controller
        subs = self.driver.subscription_controller
        for bad in ('x', '', 'g' * 24, '0' * 25, str(uuid.uuid4())):
            self.assertRaises(errors.MessageDoesNotExist, messages.get,
                              'ids', bad, project=self.project)
            self.assertEqual([], messages.bulk_get('ids', [bad],
                                                   project=self.project))
            messages.delete('ids', bad, project=self.project)
            messages.bulk_delete('ids', [bad], project=self.project,
                                 claim_ids=[bad])
            self.assertRaises(errors.ClaimDoesNotExist, claims.get,
                              'ids', bad, project=self.project)
            self.assertRaises(errors.ClaimDoesNotExist, claims.update,
                              'ids', bad, project=self.project, ttl=60,
                              grace=60)
            claims.delete('ids', bad, project=self.project)
            self.assertRaises(errors.SubscriptionDoesNotExist, subs.get,
                              'ids', bad, project=self.project)
            self.assertRaises(errors.SubscriptionDoesNotExist, subs.confirm,
                              'ids', bad, True, project=self.project)
            subs.delete('ids', bad, project=self.project)
            messages.list('ids', project=self.project, marker=bad)
            subs.list('ids', project=self.project, marker=bad)

    def test_expired_data_is_hidden_without_any_ttl_sweep(self):
        # A real mongod sweeps TTL indexes about once a minute (the test
        # emulator hides expired documents at once): without the TTL
        # indexes, expired documents stay, and only the driver's own
        # filters can hide them.
        self.driver.queue_controller.exists('warm', project=self.project)
        for collection, models in indexes.INDEXES.items():
            for model in models:
                if 'expireAfterSeconds' in model.document:
                    self.raw[collection].drop_index(model.document['name'])
        messages = self.driver.message_controller
        claims = self.driver.claim_controller
        subs = self.driver.subscription_controller
        [claimed] = self.post('old', 1, ttl=300)
        claim_id, _ = claims.create('old', project=self.project, ttl=1,
                                    grace=1, limit=1)
        short = self.post('old', 2, ttl=1)
        [keep] = self.post('old', 1, ttl=300)
        sub_id = subs.create('old', 'http://example.com/s', 1, {},
                             project=self.project)
        time.sleep(1.5)
        self.assertEqual(4, self.raw[indexes.MESSAGES].count_documents(
            {'project': self.project}))
        self.assertEqual(1, self.raw[indexes.SUBSCRIPTIONS].count_documents(
            {'project': self.project}))

        listed, _ = messages.list('old', project=self.project, echo=True,
                                  include_claimed=True)
        self.assertEqual([claimed, keep], [m.id for m in listed])
        self.assertIsNone(listed[0].claim_id)
        self.assertEqual([], messages.bulk_get('old', short,
                                               project=self.project))
        self.assertRaises(errors.MessageDoesNotExist, messages.get,
                          'old', short[0], project=self.project)
        stats = self.driver.queue_controller.stats('old',
                                                   project=self.project)
        self.assertEqual((0, 2), (stats.claimed, stats.free))
        self.assertRaises(errors.ClaimDoesNotExist, claims.get, 'old',
                          claim_id, project=self.project)
        self.assertRaises(errors.SubscriptionDoesNotExist, subs.get, 'old',
                          sub_id, project=self.project)
        self.assertEqual(([], None), subs.list('old', project=self.project))
        self.assertIsNone(subs.get_with_subscriber(
            'old', 'http://example.com/s', project=self.project))
        _, got = claims.create('old', project=self.project, ttl=60,
                               grace=60)
        self.assertEqual([claimed, keep], [m.id for m in got])

        self.assertEqual(4, self.driver.gc())  # 2 messages, claim, sub
        self.assertEqual(2, self.raw[indexes.MESSAGES].count_documents(
            {'project': self.project}))
