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

"""Pooled backend only: a queue moved between pools of different engines
(``zaqar.storage.pooling.mover``), and how the router serves it while the
move is half done."""

from __future__ import annotations

from tests.contract import base
from zaqar.storage import errors
from zaqar.storage.pooling import catalog as catalog_mod
from zaqar.storage.pooling import mover as mover_mod
from zaqar.storage.scope import TOPIC


class PoolMoveContract:

    def setUp(self):
        super().setUp()
        self.catalog = self.driver.catalog
        self.mover = mover_mod.Mover(self.driver, settle=0, batch=3,
                                     outbox_wait=0)

    def placed(self, name: str) -> tuple[str, str]:
        """(pool holding ``name``, a pool of another engine)."""
        pool = self.catalog.lookup(self.project, name)
        engine = self.catalog.driver(pool).name
        other = next(p for p, d in sorted(self.driver.pool_drivers().items())
                     if d.name != engine)
        return pool, other

    def test_move_keeps_order_ids_claims_metadata_and_subscriptions(self):
        name = self.make_queue(metadata={'note': 'kept'})
        sub_id = self.subscriptions.create(
            name, 'mailto:ops@example.com', 600, {'from': 'x'},
            project=self.project)
        self.subscriptions.confirm(name, sub_id, True, project=self.project)
        ids = self.post(name, 10)
        claim_id, claimed = self.claim(name, limit=4, ttl=300)
        source, target = self.placed(name)
        report = self.mover.move(self.project, name, target)
        self.assertEqual((source, target, 10), (report.source, report.target,
                                                report.moved))
        self.assertEqual((target, None),
                         self.catalog.fresh_route(self.project, name))
        src = self.catalog.driver(source)
        self.assertFalse(src.queue_controller.exists(name,
                                                     project=self.project))
        self.assertEqual(ids, self.listed_ids(name, include_claimed=True))
        self.assertEqual('kept', self.queues.get_metadata(
            name, project=self.project)['note'])
        [sub] = self.subscriptions.list(name, project=self.project)[0]
        self.assertEqual(('mailto:ops@example.com', {'from': 'x'}, True),
                         (sub.subscriber, sub.options, sub.confirmed))
        claim = self.claims.get(name, claim_id, project=self.project)
        self.assertEqual([m.id for m in claimed],
                         [m.id for m in claim.messages])
        self.messages.delete(name, ids[0], project=self.project,
                             claim_id=claim_id)
        self.assertRaises(errors.MessageIsClaimed, self.messages.delete,
                          name, ids[1], project=self.project)
        # Moving again to where it is changes nothing.
        self.assertTrue(self.mover.move(self.project, name,
                                        target).already_there)

    def test_a_half_done_move_is_served_from_both_pools_and_resumes(self):
        name = self.make_queue()
        old = self.post(name, 4)
        source, target = self.placed(name)
        self.catalog.begin_move(self.project, name, source, target)
        self.assertEqual((target, source),
                         self.catalog.fresh_route(self.project, name))
        new = self.post(name, 2)
        dst = self.catalog.driver(target)
        self.assertEqual(new, [m.id for m in dst.message_controller.list(
            name, project=self.project, echo=True)[0]])
        # Reads: the source first, then the destination, across pages.
        self.assertEqual(old + new, self.listed_ids(name, limit=3))
        self.assertEqual(6, self.queues.stats(name,
                                              project=self.project).total)
        # Claims come from the source while it has claimable messages.
        claim_id, claimed = self.claim(name, limit=3)
        self.assertEqual(old[:3], [m.id for m in claimed])
        self.messages.delete(name, old[3], project=self.project)
        _, rest = self.claim(name, limit=5)
        self.assertEqual(new, [m.id for m in rest])
        self.claims.update(name, claim_id, project=self.project, ttl=200,
                           grace=60)
        # A page that ends in the destination hands out a marker that
        # stays good after the move.
        last = self.post(name, 1)
        page, marker = self.messages.list(
            name, project=self.project, limit=5, echo=True,
            include_claimed=True)
        self.assertEqual(old[:3] + new, [m.id for m in page])
        self.assertTrue(marker.startswith('to:'), marker)
        # The mover resumes the recorded move.
        report = self.mover.move(self.project, name, target)
        self.assertEqual(3, report.moved)
        self.assertEqual(old[:3] + new + last, self.listed_ids(
            name, include_claimed=True))
        self.assertEqual(last, [m.id for m in self.messages.list(
            name, project=self.project, marker=marker, echo=True)[0]])
        self.assertEqual(200, self.claims.get(name, claim_id,
                                              project=self.project).ttl)
        self.assertIsNone(self.driver.store.catalogue_controller.get(
            catalog_mod.move_key(self.project), name))

    def dedup_post(self, name: str, body, key: str) -> list[str]:
        return self.messages.post(
            name, [{'body': body, 'ttl': base.TTL, 'delay': 0,
                    'dedup_id': key, 'dedup_window': 300}],
            project=self.project, client_uuid=self.client_uuid)

    def test_retried_posts_are_not_stored_twice_across_a_move(self):
        name = self.make_queue()
        [consumed] = self.dedup_post(name, 'consumed', 'k-consumed')
        self.messages.delete(name, consumed, project=self.project)
        [before] = self.dedup_post(name, 'before', 'k-before')
        [late] = self.dedup_post(name, 'late', 'k-late')
        source, target = self.placed(name)
        self.catalog.begin_move(self.project, name, source, target)
        # During the move posts go to the destination: a retry of a post
        # the source took answers with the original, not a new copy.
        self.assertEqual([before], self.dedup_post(name, 'retry', 'k-before'))
        [during] = self.dedup_post(name, 'during', 'k-during')
        self.mover.move(self.project, name, target)
        # After it, every dedup_id the queue remembered still answers,
        # that of a message consumed before the move included.
        for key, original in (('k-consumed', consumed), ('k-before', before),
                              ('k-late', late), ('k-during', during)):
            self.assertEqual([original], self.dedup_post(name, 'again', key))
        self.assertEqual(['before', 'late', 'during'],
                         [m.body for m in self.messages.list(
                             name, project=self.project, echo=True)[0]])

    def test_an_unsubscribe_during_a_move_is_not_undone(self):
        name = self.make_queue()
        self.subscriptions.create(name, 'mailto:a@example.com', 600, {},
                                  project=self.project)
        source, target = self.placed(name)
        self.mover._copy_queue(self.project, name, source, target)
        self.catalog.begin_move(self.project, name, source, target)
        [sub] = self.subscriptions.list(name, project=self.project)[0]
        self.subscriptions.delete(name, sub.id, project=self.project)
        self.mover.move(self.project, name, target)
        self.assertEqual([], self.subscriptions.list(
            name, project=self.project)[0])

    def test_refusals_change_nothing(self):
        name = self.make_queue(metadata={'_dead_letter_queue': 'dlq',
                                         '_max_claim_count': 2})
        source, target = self.placed(name)
        self.assertRaises(mover_mod.MoveRefused, self.mover.move,
                          self.project, name, target)
        self.assertRaises(mover_mod.MoveRefused, self.mover.move,
                          self.project, name, 'no-such-pool')
        self.assertRaises(mover_mod.MoveRefused, self.mover.move,
                          self.project, self.qname(), target)
        self.assertEqual((source, None),
                         self.catalog.fresh_route(self.project, name))


    def test_a_topic_is_refused_and_a_queue_of_its_name_moves_alone(self):
        name = self.make_queue()
        self.queues.create(name, project=self.project, scope=TOPIC,
                           metadata={'of': 'topic'})
        self.addCleanup(self.queues.delete, name, project=self.project,
                        scope=TOPIC)
        topic_key = catalog_mod.entry_project(self.project, TOPIC)
        topic_pool = self.catalog.fresh_route(topic_key, name)[0]
        source, target = self.placed(name)
        self.mover.move(self.project, name, target)
        # The topic stayed where it was, and is still served.
        self.assertEqual((topic_pool, None),
                         self.catalog.fresh_route(topic_key, name))
        self.assertEqual({'of': 'topic'}, self.queues.get_metadata(
            name, project=self.project, scope=TOPIC))
        topic_only = self.qname()
        self.queues.create(topic_only, project=self.project, scope=TOPIC)
        self.addCleanup(self.queues.delete, topic_only,
                        project=self.project, scope=TOPIC)
        refused = self.assertRaises(mover_mod.MoveRefused, self.mover.move,
                                    self.project, topic_only, target)
        self.assertIn('is a topic', str(refused))
        self.assertTrue(self.queues.exists(topic_only, project=self.project,
                                           scope=TOPIC))


base.for_each_backend(globals(), PoolMoveContract, names=('pooled',))
