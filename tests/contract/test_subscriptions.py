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

"""Contract: subscriptions of a queue, unique per project+queue+URI."""

from __future__ import annotations

import uuid

from tests.contract import base
from zaqar.storage import errors, models

HOOK = 'http://example.com/hook'


def unknown_subscription_ids() -> list[str]:
    return ['nonexist', 'abc', '0' * 24, str(uuid.uuid4()), uuid.uuid4().hex]


class SubscriptionContract:
    """SubscriptionController semantics, expiry and isolation included."""

    def subscribe(self, queue: str | None = None, subscriber: str = HOOK,
                  ttl: int = base.TTL, options: dict | None = None, *,
                  project: str | None = None) -> tuple[str, str]:
        """Create the queue if needed, then a subscription on it."""
        project = project or self.project
        queue = queue or self.qname()
        self._touched.add((project, queue))
        self.queues.create(queue, project=project)
        sub_id = self.subscriptions.create(queue, subscriber, ttl,
                                           options or {}, project=project)
        self.assertIsInstance(sub_id, str)
        return queue, sub_id

    def test_create_returns_an_id_that_get_finds(self):
        options = {'post_data': {'k': [1, None]}, '_retry_policy': {}}
        queue, sub_id = self.subscribe(ttl=200, options=options)
        sub = self.subscriptions.get(queue, sub_id, project=self.project)
        self.assertIsInstance(sub, models.Subscription)
        self.assertEqual((sub_id, queue, HOOK, 200, options, False),
                         (sub.id, sub.source, sub.subscriber, sub.ttl,
                          sub.options, sub.confirmed))
        self.assertIsInstance(sub.age, int)
        self.assertIn(sub.age, (0, 1))

    def test_create_of_a_subscribed_uri_raises_already_exists(self):
        queue, sub_id = self.subscribe()
        self.assertRaises(errors.SubscriptionAlreadyExists,
                          self.subscriptions.create, queue, HOOK, 100, {},
                          project=self.project)
        self.subscriptions.confirm(queue, sub_id, True, project=self.project)
        self.assertRaises(errors.SubscriptionAlreadyExists,
                          self.subscriptions.create, queue, HOOK, 100, {},
                          project=self.project)
        self.assertEqual([sub_id], [s.id for s in self.subscriptions.list(
            queue, project=self.project)[0]])

    def test_same_uri_on_other_queues_and_projects_is_independent(self):
        queue, first = self.subscribe()
        _, second = self.subscribe(subscriber=HOOK)
        _, third = self.subscribe(queue, HOOK, project=self.other_project)
        self.assertEqual(3, len({first, second, third}))
        self.subscriptions.delete(queue, third, project=self.other_project)
        self.assertEqual(first, self.subscriptions.get(
            queue, first, project=self.project).id)

    def test_get_of_unknown_subscription_raises(self):
        queue, _ = self.subscribe()
        for sub_id in unknown_subscription_ids():
            self.assertRaises(errors.SubscriptionDoesNotExist,
                              self.subscriptions.get, queue, sub_id,
                              project=self.project)

    def test_get_of_another_queues_subscription_raises(self):
        _, sub_id = self.subscribe()
        other = self.make_queue()
        self.assertRaises(errors.SubscriptionDoesNotExist,
                          self.subscriptions.get, other, sub_id,
                          project=self.project)

    def test_get_with_subscriber_finds_the_live_subscription(self):
        queue, sub_id = self.subscribe(options={'a': 1})
        self.subscribe(queue, 'mailto:ops@example.com')
        sub = self.subscriptions.get_with_subscriber(queue, HOOK,
                                                     project=self.project)
        self.assertEqual((sub_id, HOOK, {'a': 1}),
                         (sub.id, sub.subscriber, sub.options))
        self.assertIsNone(self.subscriptions.get_with_subscriber(
            queue, 'http://example.com/other', project=self.project))
        self.assertIsNone(self.subscriptions.get_with_subscriber(
            self.qname(), HOOK, project=self.project))

    def test_list_pages_in_id_order(self):
        queue = self.make_queue()
        ids = [self.subscribe(queue, f'http://example.com/{i}')[1]
               for i in range(5)]
        seen = []
        marker = None
        while True:
            page, marker = self.subscriptions.list(
                queue, project=self.project, marker=marker, limit=2)
            if not page:
                self.assertIsNone(marker)
                break
            self.assertLessEqual(len(page), 2)
            self.assertEqual(page[-1].id, marker)
            seen += [s.id for s in page]
        self.assertEqual(sorted(ids), seen)
        page, _ = self.subscriptions.list(queue, project=self.project)
        self.assertEqual(sorted(ids), [s.id for s in page])
        self.assertEqual({queue}, {s.source for s in page})

    def test_list_default_limit_is_ten(self):
        queue = self.make_queue()
        for i in range(11):
            self.subscribe(queue, f'http://example.com/{i}')
        page, _ = self.subscriptions.list(queue, project=self.project)
        self.assertEqual(10, len(page))

    def test_list_of_queue_without_subscriptions_is_empty(self):
        self.assertEqual(([], None), self.subscriptions.list(
            self.qname(), project=self.project))
        self.assertEqual(([], None), self.subscriptions.list(
            self.make_queue(), project=self.project))

    def test_update_changes_only_the_given_fields(self):
        queue, sub_id = self.subscribe(ttl=200, options={'a': 1})
        self.subscriptions.update(queue, sub_id, project=self.project,
                                  options={'b': 2})
        sub = self.subscriptions.get(queue, sub_id, project=self.project)
        self.assertEqual((HOOK, 200, {'b': 2}),
                         (sub.subscriber, sub.ttl, sub.options))
        self.subscriptions.update(queue, sub_id, project=self.project,
                                  subscriber='http://example.com/new')
        sub = self.subscriptions.get(queue, sub_id, project=self.project)
        self.assertEqual(('http://example.com/new', 200, {'b': 2}),
                         (sub.subscriber, sub.ttl, sub.options))
        self.assertIsNone(self.subscriptions.get_with_subscriber(
            queue, HOOK, project=self.project))
        self.assertEqual(sub_id, self.subscriptions.get_with_subscriber(
            queue, 'http://example.com/new', project=self.project).id)
        # The old URI is free again.
        self.subscribe(queue, HOOK)

    def test_update_of_ttl_restarts_the_age(self):
        queue, sub_id = self.subscribe(ttl=200)
        self.wait_for_expiry(1.1)
        self.assertGreaterEqual(self.subscriptions.get(
            queue, sub_id, project=self.project).age, 1)
        self.subscriptions.update(queue, sub_id, project=self.project,
                                  ttl=400)
        sub = self.subscriptions.get(queue, sub_id, project=self.project)
        self.assertEqual((400, 0), (sub.ttl, sub.age))

    def test_update_to_a_taken_subscriber_raises_already_exists(self):
        queue, first = self.subscribe()
        _, second = self.subscribe(queue, 'http://example.com/two')
        self.assertRaises(errors.SubscriptionAlreadyExists,
                          self.subscriptions.update, queue, second,
                          project=self.project, subscriber=HOOK)
        self.assertEqual('http://example.com/two', self.subscriptions.get(
            queue, second, project=self.project).subscriber)

    def test_update_of_unknown_subscription_raises(self):
        queue, _ = self.subscribe()
        for sub_id in unknown_subscription_ids():
            self.assertRaises(errors.SubscriptionDoesNotExist,
                              self.subscriptions.update, queue, sub_id,
                              project=self.project, ttl=100)

    def test_confirm_sets_and_clears_the_flag(self):
        queue, sub_id = self.subscribe()
        self.subscriptions.confirm(queue, sub_id, True, project=self.project)
        self.assertTrue(self.subscriptions.get(
            queue, sub_id, project=self.project).confirmed)
        self.subscriptions.confirm(queue, sub_id, False,
                                   project=self.project)
        self.assertFalse(self.subscriptions.get(
            queue, sub_id, project=self.project).confirmed)

    def test_confirm_of_unknown_subscription_raises(self):
        queue, _ = self.subscribe()
        for sub_id in unknown_subscription_ids():
            self.assertRaises(errors.SubscriptionDoesNotExist,
                              self.subscriptions.confirm, queue, sub_id,
                              True, project=self.project)

    def _subscription_state(self, queue: str) -> list[tuple]:
        """What deleting another subscription must leave alone."""
        page, _ = self.subscriptions.list(queue, project=self.project)
        return [(s.id, s.subscriber, s.ttl, s.options, s.confirmed)
                for s in page]

    def test_delete_is_idempotent(self):
        queue, sub_id = self.subscribe()
        _, kept = self.subscribe(queue, HOOK + '/kept', options={'k': 1})
        self.subscriptions.delete(queue, sub_id, project=self.project)
        # The first delete did the work ...
        self.assertRaises(errors.SubscriptionDoesNotExist,
                          self.subscriptions.get, queue, sub_id,
                          project=self.project)
        before = self._subscription_state(queue)
        self.assertEqual([(kept, HOOK + '/kept', {'k': 1})],
                         [(s[0], s[1], s[3]) for s in before])
        # ... and deleting it again, or ids that never were, touches
        # nothing else.
        self.subscriptions.delete(queue, sub_id, project=self.project)
        for unknown in unknown_subscription_ids():
            self.subscriptions.delete(queue, unknown, project=self.project)
        self.assertRaises(errors.SubscriptionDoesNotExist,
                          self.subscriptions.get, queue, sub_id,
                          project=self.project)
        self.assertEqual(before, self._subscription_state(queue))
        self.subscribe(queue, HOOK)

    def test_other_projects_subscription_is_invisible(self):
        queue, sub_id = self.subscribe()
        other = self.other_project
        self.assertRaises(errors.SubscriptionDoesNotExist,
                          self.subscriptions.get, queue, sub_id,
                          project=other)
        self.assertIsNone(self.subscriptions.get_with_subscriber(
            queue, HOOK, project=other))
        self.assertEqual(([], None), self.subscriptions.list(
            queue, project=other))
        self.assertRaises(errors.SubscriptionDoesNotExist,
                          self.subscriptions.update, queue, sub_id,
                          project=other, ttl=100)
        self.assertRaises(errors.SubscriptionDoesNotExist,
                          self.subscriptions.confirm, queue, sub_id, True,
                          project=other)
        self.subscriptions.delete(queue, sub_id, project=other)
        self.queues.delete(queue, project=other)
        sub = self.subscriptions.get(queue, sub_id, project=self.project)
        self.assertEqual((base.TTL, False), (sub.ttl, sub.confirmed))

    def test_expired_subscription_vanishes(self):
        queue, sub_id = self.subscribe(ttl=1)
        _, live = self.subscribe(queue, 'http://example.com/live')
        self.wait_for_expiry()
        self.assertRaises(errors.SubscriptionDoesNotExist,
                          self.subscriptions.get, queue, sub_id,
                          project=self.project)
        self.assertIsNone(self.subscriptions.get_with_subscriber(
            queue, HOOK, project=self.project))
        self.assertEqual([live], [s.id for s in self.subscriptions.list(
            queue, project=self.project)[0]])
        self.assertRaises(errors.SubscriptionDoesNotExist,
                          self.subscriptions.update, queue, sub_id,
                          project=self.project, ttl=100)
        self.assertRaises(errors.SubscriptionDoesNotExist,
                          self.subscriptions.confirm, queue, sub_id, True,
                          project=self.project)
        self.assertIsInstance(self.driver.gc(), int)
        _, again = self.subscribe(queue, HOOK)
        self.assertEqual(HOOK, self.subscriptions.get(
            queue, again, project=self.project).subscriber)
        self.assertEqual(live, self.subscriptions.get(
            queue, live, project=self.project).id)


base.for_each_backend(globals(), SubscriptionContract)
