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

"""Contract: a topic and a queue of the same name and project never meet.

Records, metadata, subscriptions, deliveries, listings, counts and
deletes are kept apart by ``scope=`` on every backend (pooled included).
"""

from __future__ import annotations

from tests.contract import base
from zaqar.storage import errors
from zaqar.storage.scope import QUEUE, TOPIC

HOOK = 'http://example.com/hook'


class ScopeContract:
    """QUEUE and TOPIC scopes of one project are two namespaces."""

    def setUp(self):
        super().setUp()
        self.outbox = self.driver.delivery_controller
        self.addCleanup(self._delete_topics)

    def _delete_topics(self):
        for project in self._projects:
            for topic in self.queues.list(project=project, scope=TOPIC,
                                          limit=100)[0]:
                self.queues.delete(topic.name, project=project, scope=TOPIC)

    def both(self, name: str = 'same') -> str:
        self._touched.add((self.project, name))
        self.assertTrue(self.queues.create(name, project=self.project,
                                           metadata={'of': 'queue'}))
        self.assertTrue(self.queues.create(name, project=self.project,
                                           scope=TOPIC,
                                           metadata={'of': 'topic'}))
        return name

    def test_records_and_metadata_are_apart(self):
        name = self.both()
        p = self.project
        self.assertEqual({'of': 'queue'},
                         self.queues.get_metadata(name, project=p))
        self.assertEqual({'of': 'topic'}, self.queues.get_metadata(
            name, project=p, scope=TOPIC))
        self.queues.set_metadata(name, {'of': 'topic', 'v': 2}, project=p,
                                 scope=TOPIC)
        self.assertEqual({'of': 'queue'},
                         self.queues.get_metadata(name, project=p,
                                                  scope=QUEUE))
        self.assertFalse(self.queues.create(name, project=p, scope=TOPIC))

    def test_listing_and_counting_show_one_kind(self):
        p = self.project
        self.both()
        self._touched.add((p, 'queue-only'))
        self.queues.create('queue-only', project=p)
        self.queues.create('topic-only', project=p, scope=TOPIC)
        self.assertEqual(['queue-only', 'same'],
                         [q.name for q in self.all_queues(p)])
        topics, _ = self.queues.list(project=p, scope=TOPIC, detailed=True)
        self.assertEqual([('same', {'of': 'topic'}), ('topic-only', {})],
                         [(t.name, t.metadata) for t in topics])
        self.assertEqual(2, self.queues.count(project=p))
        self.assertEqual(2, self.queues.count(project=p, scope=TOPIC))
        self.assertEqual(1, self.queues.count(project=p, scope=TOPIC,
                                              name='only'))
        self.assertFalse(self.queues.exists('topic-only', project=p))
        self.assertFalse(self.queues.exists('queue-only', project=p,
                                            scope=TOPIC))

    def test_deleting_one_kind_leaves_the_other(self):
        name = self.both()
        p = self.project
        queue_sub = self.subscriptions.create(name, HOOK, base.TTL, {},
                                              project=p)
        topic_sub = self.subscriptions.create(name, HOOK, base.TTL, {},
                                              project=p, scope=TOPIC)
        self.queues.delete(name, project=p, scope=TOPIC)
        self.assertFalse(self.queues.exists(name, project=p, scope=TOPIC))
        self.assertTrue(self.queues.exists(name, project=p))
        self.assertEqual(queue_sub, self.subscriptions.get(
            name, queue_sub, project=p).id)
        self.assertRaises(errors.SubscriptionDoesNotExist,
                          self.subscriptions.get, name, topic_sub,
                          project=p, scope=TOPIC)
        self.queues.create(name, project=p, scope=TOPIC)
        self.queues.delete(name, project=p)
        self.assertTrue(self.queues.exists(name, project=p, scope=TOPIC))

    def test_subscriptions_are_apart(self):
        name = self.both()
        p = self.project
        # The same subscriber on both: no conflict between the scopes.
        queue_sub = self.subscriptions.create(name, HOOK, base.TTL, {},
                                              project=p)
        topic_sub = self.subscriptions.create(name, HOOK, base.TTL,
                                              {'k': 1}, project=p,
                                              scope=TOPIC)
        self.assertEqual([queue_sub], [s.id for s in self.subscriptions.list(
            name, project=p)[0]])
        self.assertEqual([topic_sub], [s.id for s in self.subscriptions.list(
            name, project=p, scope=TOPIC)[0]])
        self.assertRaises(errors.SubscriptionDoesNotExist,
                          self.subscriptions.get, name, queue_sub,
                          project=p, scope=TOPIC)
        self.assertEqual(topic_sub, self.subscriptions.get_with_subscriber(
            name, HOOK, project=p, scope=TOPIC).id)
        self.subscriptions.confirm(name, topic_sub, True, project=p,
                                   scope=TOPIC)
        self.assertFalse(self.subscriptions.get(name, queue_sub,
                                                project=p).confirmed)
        self.subscriptions.delete(name, queue_sub, project=p, scope=TOPIC)
        self.assertEqual(queue_sub, self.subscriptions.get(
            name, queue_sub, project=p).id)

    def test_deliveries_and_their_state_are_apart(self):
        name = self.both()
        p = self.project
        queue_sub = self.subscriptions.create(name, HOOK, base.TTL, {},
                                              project=p)
        topic_sub = self.subscriptions.create(name, HOOK, base.TTL, {},
                                              project=p, scope=TOPIC)
        self.outbox.set_secret(name, topic_sub, 'topic-secret', project=p,
                               scope=TOPIC)
        self.assertEqual('topic-secret', self.outbox.state(
            name, topic_sub, project=p, scope=TOPIC).secret)
        self.assertIsNone(self.outbox.state(name, topic_sub,
                                            project=p).secret)
        fanned = self.outbox.fan_out(
            name, [{'id': 'm1', 'body': 1, 'ttl': base.TTL, 'delay': 0}],
            project=p, scope=TOPIC)
        self.assertEqual(1, fanned)
        self.assertEqual(1, self.outbox.pending(name, project=p,
                                                scope=TOPIC))
        self.assertEqual(0, self.outbox.pending(name, project=p))
        self.post(name, count=1)
        self.assertEqual(1, self.outbox.pending(name, project=p))
        leased = self.outbox.lease(10, 30, project=p)
        self.assertEqual({(TOPIC, topic_sub), (QUEUE, queue_sub)},
                         {(d.scope, d.subscription_id) for d in leased})
        self.assertEqual({p}, {d.project for d in leased})
        self.outbox.complete([d for d in leased if d.scope == TOPIC])
        self.assertEqual(0, self.outbox.pending(name, project=p,
                                                scope=TOPIC))
        self.assertEqual(1, self.outbox.pending(name, project=p))
        self.outbox.complete(leased)

    def test_topic_fan_out_creates_the_topic_and_nothing_else(self):
        p = self.project
        self.outbox.fan_out(
            'fresh', [{'id': 'm1', 'body': 1, 'ttl': base.TTL, 'delay': 0}],
            project=p, scope=TOPIC)
        self.assertTrue(self.queues.exists('fresh', project=p, scope=TOPIC))
        self.assertEqual({}, self.queues.get_metadata('fresh', project=p,
                                                      scope=TOPIC))
        self.assertFalse(self.queues.exists('fresh', project=p))
        self.assertEqual(0, self.queues.stats('fresh', project=p).free)


base.for_each_backend(globals(), ScopeContract)
