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

"""Contract: the notification outbox (enqueue on post, lease, settle)."""

from __future__ import annotations

import threading
import time

from tests.contract import base
from zaqar.storage import base as storage_base

HOOK = 'http://example.com/hook'
OTHER_HOOK = 'http://example.com/other'
# Lease seconds long enough never to run out during a test.
LONG = 300


class DeliveryContract:
    """DeliveryController semantics on every backend."""

    def setUp(self):
        super().setUp()
        self.outbox = self.driver.delivery_controller
        self.addCleanup(self._drain)

    def _drain(self) -> None:
        for project in self._projects:
            try:
                while True:
                    leased = self.outbox.lease(100, 1, project=project)
                    if not leased:
                        break
                    self.outbox.complete(leased)
            except Exception:  # noqa: BLE001,S110 - cleanup must not mask
                pass

    def subscribe(self, queue: str, subscriber: str = HOOK, *,
                  project: str | None = None, ttl: int = base.TTL) -> str:
        project = project or self.project
        self._touched.add((project, queue))
        self.queues.create(queue, project=project)
        return self.subscriptions.create(queue, subscriber, ttl, {},
                                         project=project)

    def lease(self, limit: int = 100, seconds: float = LONG, *,
              project: str | None = None) -> list[storage_base.Delivery]:
        return self.outbox.lease(limit, seconds,
                                 project=project or self.project)

    def test_post_without_subscriptions_enqueues_nothing(self):
        queue = self.make_queue()
        self.post(queue, 3)
        self.assertEqual(0, self.outbox.pending(queue, project=self.project))
        self.assertEqual([], self.lease())

    def test_post_enqueues_one_delivery_per_message_and_subscription(self):
        queue = self.qname()
        first = self.subscribe(queue)
        second = self.subscribe(queue, OTHER_HOOK)
        ids = self.post(queue, bodies=[{'n': 1}, ['two', None], 'three'])
        self.assertEqual(6, self.outbox.pending(queue, project=self.project))
        leased = self.lease()
        self.assertEqual(6, len(leased))
        pairs = {(d.subscription_id, d.payload['id']) for d in leased}
        self.assertEqual({(s, m) for s in (first, second) for m in ids},
                         pairs)
        by_id = {d.payload['id']: d.payload for d in leased}
        self.assertEqual({'id': ids[0], 'body': {'n': 1}, 'ttl': base.TTL},
                         by_id[ids[0]])
        self.assertEqual(['two', None], by_id[ids[1]]['body'])
        for delivery in leased:
            self.assertEqual((self.project, queue, 'message', 1),
                             (delivery.project, delivery.queue,
                              delivery.kind, delivery.attempts))
            self.assertTrue(delivery.lease)
            self.assertAlmostEqual(time.time(), delivery.created, delta=30)

    def test_checksum_travels_with_the_payload(self):
        queue = self.qname()
        self.subscribe(queue)
        self.messages.post(queue, [{'body': 1, 'ttl': 100,
                                    'checksum': 'MD5:abc'}],
                           project=self.project, client_uuid=self.client_uuid)
        (delivery,) = self.lease()
        self.assertEqual('MD5:abc', delivery.payload['checksum'])
        self.assertEqual(100, delivery.payload['ttl'])

    def test_dedup_id_and_group_travel_with_the_payload(self):
        queue = self.qname()
        self.subscribe(queue)
        self.messages.post(queue, [
            {'body': 1, 'ttl': 100, 'dedup_id': 'd-1', 'dedup_window': 60,
             'group': 'g-1'},
            {'body': 2, 'ttl': 100}],
            project=self.project, client_uuid=self.client_uuid)
        got = sorted(self.lease(), key=lambda d: d.payload['body'])
        self.assertEqual([('d-1', 'g-1'), (None, None)],
                         [(d.payload.get('dedup_id'), d.payload.get('group'))
                          for d in got])
        self.assertNotIn('dedup_id', got[1].payload)
        self.assertNotIn('group', got[1].payload)

    def test_traceparent_travels_with_the_payload_not_the_message(self):
        queue = self.qname()
        self.subscribe(queue)
        parent = f'00-{"ab" * 16}-{"cd" * 8}-01'
        ids = self.messages.post(
            queue, [{'body': {'n': 1}, 'ttl': 100, 'checksum': 'MD5:abc'},
                    {'body': 2, 'ttl': 100}],
            project=self.project, client_uuid=self.client_uuid,
            traceparent=parent)
        leased = sorted(self.lease(), key=lambda d: ids.index(d.payload['id']))
        self.assertEqual([parent, parent],
                         [d.payload['traceparent'] for d in leased])
        self.assertEqual({'id': ids[0], 'body': {'n': 1}, 'ttl': 100,
                          'checksum': 'MD5:abc', 'traceparent': parent},
                         leased[0].payload)
        stored = self.messages.get(queue, ids[0], project=self.project)
        self.assertEqual({'n': 1}, stored.body)
        self.assertEqual('MD5:abc', stored.checksum)

    def test_fan_out_carries_the_traceparent(self):
        queue = self.qname()
        self.subscribe(queue)
        parent = f'00-{"12" * 16}-{"34" * 8}-01'
        self.assertEqual(1, self.outbox.fan_out(
            queue, [{'id': 'm1', 'body': [1], 'ttl': 60, 'delay': 0}],
            project=self.project, traceparent=parent))
        (delivery,) = self.lease()
        self.assertEqual({'id': 'm1', 'body': [1], 'ttl': 60,
                          'traceparent': parent}, delivery.payload)

    def test_subscriptions_elsewhere_get_nothing(self):
        queue = self.qname()
        other_queue = self.qname()
        self.subscribe(other_queue)
        self.subscribe(queue, project=self.other_project)
        self.post(queue, 2)
        self.assertEqual([], self.lease())
        self.assertEqual([], self.lease(project=self.other_project))
        self.assertEqual(0, self.outbox.pending(
            queue, project=self.other_project))

    def test_expired_subscription_gets_nothing(self):
        queue = self.qname()
        self.subscribe(queue, ttl=1)
        self.wait_for_expiry()
        self.post(queue, 2)
        self.assertEqual([], self.lease())

    def test_deleted_subscription_gets_nothing_new(self):
        queue = self.qname()
        sub = self.subscribe(queue)
        self.subscriptions.delete(queue, sub, project=self.project)
        self.post(queue, 1)
        self.assertEqual([], self.lease())

    def test_delayed_message_is_due_after_its_delay(self):
        queue = self.qname()
        self.subscribe(queue)
        self.post(queue, 1, delay=2)
        self.assertEqual([], self.lease())
        self.assertEqual(1, self.outbox.pending(queue, project=self.project))
        time.sleep(2.5)
        self.assertEqual(1, len(self.lease()))

    def test_a_lease_hides_deliveries_until_it_runs_out(self):
        queue = self.qname()
        self.subscribe(queue)
        self.post(queue, 2)
        first = self.lease(seconds=1)
        self.assertEqual(2, len(first))
        self.assertEqual([], self.lease())
        self.wait_for_expiry()
        again = self.lease()
        self.assertEqual(sorted(d.id for d in first),
                         sorted(d.id for d in again))
        self.assertEqual({2}, {d.attempts for d in again})
        self.assertNotEqual(first[0].lease, again[0].lease)

    def test_lease_without_project_spans_projects(self):
        queue = self.qname()
        self.subscribe(queue)
        self.subscribe(queue, project=self.other_project)
        self.post(queue, 1)
        self.post(queue, 1, project=self.other_project)
        # Other tests' deliveries may be leased too: a short lease gives
        # them back soon.
        leased = self.outbox.lease(1000, 1)
        mine = [d for d in leased
                if d.project in (self.project, self.other_project)]
        self.assertEqual({self.project, self.other_project},
                         {d.project for d in mine})
        self.outbox.complete(mine)

    def test_lease_honours_the_limit_in_due_order(self):
        queue = self.qname()
        self.subscribe(queue)
        ids = self.post(queue, 5)
        got = []
        for _ in range(3):
            got.extend(d.payload['id'] for d in self.lease(limit=2))
        self.assertEqual(sorted(ids), sorted(got))

    def test_complete_removes_only_under_the_current_lease(self):
        queue = self.qname()
        self.subscribe(queue)
        self.post(queue, 2)
        stale = self.lease(seconds=1)
        self.wait_for_expiry()
        current = self.lease()
        self.outbox.complete(stale)
        self.assertEqual(2, self.outbox.pending(queue, project=self.project))
        self.outbox.complete(current)
        self.assertEqual(0, self.outbox.pending(queue, project=self.project))
        self.outbox.complete(current)  # idempotent

    def test_retry_makes_it_due_again_keeping_attempts_and_error(self):
        queue = self.qname()
        self.subscribe(queue)
        self.post(queue, 1)
        (leased,) = self.lease()
        self.assertTrue(self.outbox.retry(leased, time.time(), 'HTTP 500'))
        (again,) = self.lease()
        self.assertEqual((leased.id, 2, 'HTTP 500'),
                         (again.id, again.attempts, again.last_error))
        self.assertFalse(self.outbox.retry(leased, time.time(), 'stale'))

    def test_retry_in_the_future_hides_it_until_then(self):
        queue = self.qname()
        self.subscribe(queue)
        self.post(queue, 1)
        (leased,) = self.lease()
        self.outbox.retry(leased, time.time() + 1, 'timeout')
        self.assertEqual([], self.lease())
        self.wait_for_expiry()
        self.assertEqual(1, len(self.lease()))

    def test_fail_removes_and_records_on_the_subscription(self):
        queue = self.qname()
        sub = self.subscribe(queue)
        other = self.subscribe(queue, OTHER_HOOK)
        self.post(queue, 2)
        leased = [d for d in self.lease() if d.subscription_id == sub]
        self.assertEqual(2, len(leased))
        before = time.time()
        self.assertTrue(self.outbox.fail(leased[0], 'HTTP 404'))
        self.assertTrue(self.outbox.fail(leased[1], 'connection refused'))
        self.assertFalse(self.outbox.fail(leased[1], 'again'))
        state = self.outbox.state(queue, sub, project=self.project)
        self.assertEqual((2, 'connection refused'),
                         (state.failed, state.last_error))
        self.assertGreaterEqual(state.last_failure_at, before - 1)
        self.assertEqual(0, self.outbox.state(
            queue, other, project=self.project).failed)
        self.assertEqual(2, self.outbox.pending(queue, project=self.project))

    def test_state_defaults_and_is_per_project(self):
        queue = self.qname()
        sub = self.subscribe(queue)
        self.assertEqual(storage_base.SubscriberState(),
                         self.outbox.state(queue, sub, project=self.project))
        self.outbox.set_secret(queue, sub, 's3cret', project=self.project)
        self.outbox.set_trust(queue, sub, 'trust-1', project=self.project)
        state = self.outbox.state(queue, sub, project=self.project)
        self.assertEqual(('s3cret', 'trust-1', 0),
                         (state.secret, state.trust_id, state.failed))
        self.outbox.set_secret(queue, sub, 'rotated', project=self.project)
        self.assertEqual('rotated', self.outbox.state(
            queue, sub, project=self.project).secret)
        self.assertEqual(storage_base.SubscriberState(), self.outbox.state(
            queue, sub, project=self.other_project))

    def test_enqueue_adds_a_due_delivery_of_any_kind(self):
        queue = self.qname()
        sub = self.subscribe(queue)
        delivery_id = self.outbox.enqueue(
            queue, sub, storage_base.DELIVERY_CONFIRM,
            {'Message_Type': 'SubscriptionConfirmation'},
            project=self.project)
        (leased,) = self.lease()
        self.assertEqual((delivery_id, 'confirm', sub,
                          {'Message_Type': 'SubscriptionConfirmation'}),
                         (leased.id, leased.kind, leased.subscription_id,
                          leased.payload))
        self.outbox.enqueue(queue, sub, storage_base.DELIVERY_UNSUBSCRIBE,
                            {}, project=self.project, delay=60)
        self.assertEqual([], self.lease())

    def test_fan_out_reaches_live_subscriptions(self):
        queue = self.qname()
        self.subscribe(queue)
        self.subscribe(queue, OTHER_HOOK)
        count = self.outbox.fan_out(
            queue, [{'id': 'm1', 'body': {'a': 1}, 'ttl': 60, 'delay': 0}],
            project=self.project)
        self.assertEqual(2, count)
        leased = self.lease()
        self.assertEqual([{'id': 'm1', 'body': {'a': 1}, 'ttl': 60}] * 2,
                         [d.payload for d in leased])
        self.assertEqual(0, self.outbox.fan_out(
            self.qname(), [{'id': 'm2', 'body': 1, 'ttl': 60}],
            project=self.project))

    def test_a_post_wakes_this_process(self):
        queue = self.qname()
        self.subscribe(queue)
        self.outbox.activity.clear()
        self.post(queue, 1)
        self.assertTrue(self.outbox.activity.is_set())

    def test_concurrent_leases_never_share_a_delivery(self):
        queue = self.qname()
        self.subscribe(queue)
        total = 60 if self.backend_name == 'mongodb' else 200
        self.post(queue, total)
        drivers = [self.driver, self.new_driver(), self.new_driver()]
        seen: list[str] = []
        lock = threading.Lock()
        errors: list[BaseException] = []

        def worker(outbox):
            try:
                while True:
                    got = outbox.lease(7, LONG, project=self.project)
                    if not got:
                        return
                    with lock:
                        seen.extend(d.id for d in got)
                    outbox.complete(got)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=worker,
                                    args=(d.delivery_controller,))
                   for d in drivers for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        self.assertEqual([], errors)
        self.assertEqual(total, len(seen))
        self.assertEqual(total, len(set(seen)))
        self.assertEqual(0, self.outbox.pending(queue, project=self.project))


base.for_each_backend(globals(), DeliveryContract)
