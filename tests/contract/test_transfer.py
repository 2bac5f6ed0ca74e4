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

"""Contract: whole-record export and import of queues (pool moves)."""

from __future__ import annotations

import dataclasses
import time
import uuid

from tests.contract import base
from zaqar.storage import errors, transfer


class TransferContract:

    def setUp(self):
        super().setUp()
        self.transfer = self.driver.transfer_controller

    def export_all(self, queue: str) -> list[transfer.MessageRecord]:
        return self.transfer.export_tail(queue, project=self.project,
                                         limit=1000)

    def copy(self, source: str, target: str, *, batch: int = 1000) -> None:
        """What the mover does, without concurrency: tail batches first.

        A message id is unique in a store and a move always goes to
        another store, so here the source copy goes before the import.
        """
        while True:
            records = self.transfer.export_tail(source, project=self.project,
                                                limit=batch)
            if not records:
                return
            claims = self.transfer.export_claims(source,
                                                 project=self.project)
            self.assertEqual([], self.transfer.remove_unchanged(
                source, records, project=self.project))
            self.transfer.import_claims(target, claims, project=self.project)
            self.transfer.import_messages(target, records,
                                          project=self.project)

    def test_export_carries_every_state_in_queue_order(self):
        name = self.make_queue()
        ids = self.post(name, 3)
        delayed = self.post(name, 1, delay=100, bodies=[{'late': True}])
        claim_id, claimed = self.claim(name, limit=1, ttl=100, grace=10)
        records = self.export_all(name)
        self.assertEqual(ids + delayed, [r.id for r in records])
        self.assertEqual([0, 1, 2, {'late': True}],
                         [r.body for r in records])
        first = records[0]
        self.assertEqual(claim_id, first.claim_id)
        self.assertAlmostEqual(time.time() + 100, first.claim_expires,
                               delta=5)
        self.assertEqual(1, first.claim_count)
        self.assertGreaterEqual(first.expires, time.time() + 105)
        self.assertEqual(self.client_uuid, records[1].client_uuid)
        self.assertIsNone(records[1].claim_id)
        self.assertAlmostEqual(records[1].created + base.TTL,
                               records[1].expires, delta=0.01)
        self.assertGreater(records[3].delay_until, time.time() + 90)
        [claim] = self.transfer.export_claims(name, project=self.project)
        self.assertEqual((claim_id, 100), (claim.id, claim.ttl))
        self.assertAlmostEqual(first.claim_expires, claim.expires,
                               delta=0.01)

    def test_export_tail_is_the_newest_messages(self):
        name = self.make_queue()
        ids = self.post(name, 5)
        self.assertEqual(ids[3:], [r.id for r in self.transfer.export_tail(
            name, project=self.project, limit=2)])
        self.assertEqual([], self.transfer.export_tail(
            self.qname(), project=self.project, limit=2))

    def test_import_goes_before_the_queue_and_keeps_ids_and_claims(self):
        source, target = self.make_queue(), self.make_queue()
        moved = self.post(source, 5)
        claim_id, claimed = self.claim(source, limit=2, ttl=100)
        already = self.post(target, 2, bodies=['new-a', 'new-b'])
        self.copy(source, target, batch=2)
        self.assertEqual([], self.export_all(source))
        self.assertEqual(moved + already, self.listed_ids(
            target, include_claimed=True))
        # The claim came along: same id, same messages, still honoured.
        claim = self.claims.get(target, claim_id, project=self.project)
        self.assertEqual(moved[:2], [m.id for m in claim.messages])
        self.assertRaises(errors.MessageIsClaimed, self.messages.delete,
                          target, moved[0], project=self.project)
        self.messages.delete(target, moved[0], project=self.project,
                             claim_id=claim_id)
        self.claims.update(target, claim_id, project=self.project, ttl=200,
                           grace=10)
        self.assertEqual(200, self.claims.get(target, claim_id,
                                              project=self.project).ttl)
        self.claims.delete(target, claim_id, project=self.project)
        # Released: the next claim starts at the oldest message left.
        _, again = self.claim(target, limit=1)
        self.assertEqual([moved[1]], [m.id for m in again])

    def test_foreign_id_formats_are_kept(self):
        name = self.make_queue()
        now = time.time()
        ids = [str(uuid.uuid4()), uuid.uuid4().hex[:24]]
        claim_id = uuid.uuid4().hex[:24]
        self.transfer.import_claims(name, [transfer.ClaimRecord(
            id=claim_id, ttl=60, renewed=now, expires=now + 60)],
            project=self.project)
        self.transfer.import_messages(name, [
            transfer.MessageRecord(id=ids[0], body='u', created=now,
                                   expires=now + 60),
            transfer.MessageRecord(id=ids[1], body='o', created=now,
                                   expires=now + 120, claim_id=claim_id,
                                   claim_expires=now + 60, claim_count=1),
        ], project=self.project)
        self.assertEqual('u', self.messages.get(
            name, ids[0], project=self.project).body)
        self.assertEqual(ids, [m.id for m in self.messages.bulk_get(
            name, ids, project=self.project)])
        self.assertEqual([ids[1]], [m.id for m in self.claims.get(
            name, claim_id, project=self.project).messages])
        self.messages.delete(name, ids[1], project=self.project,
                             claim_id=claim_id)
        self.messages.delete(name, ids[0], project=self.project)
        self.assertEqual([], self.export_all(name))

    def test_held_copies_are_hidden_until_released(self):
        source, target = self.make_queue(), self.make_queue()
        ids = self.post(source, 2)
        records = self.export_all(source)
        self.transfer.remove_unchanged(source, records, project=self.project)
        until = time.time() + 60
        self.transfer.import_messages(
            target, [transfer.held(r, until) for r in records],
            project=self.project)
        self.assertEqual([], self.listed_ids(target))
        self.assertEqual((None, []), self.claim(target))
        self.assertEqual([], self.messages.pop(target, 5,
                                               project=self.project))
        self.transfer.release(target, records, project=self.project)
        self.assertEqual(ids, self.listed_ids(target))
        _, claimed = self.claim(target)
        self.assertEqual(ids, [m.id for m in claimed])

    def test_release_never_brings_a_deleted_message_back(self):
        name = self.make_queue()
        ids = self.post(name, 2)
        records = self.export_all(name)
        self.messages.delete(name, ids[0], project=self.project)
        self.transfer.release(name, records, project=self.project)
        self.assertEqual(ids[1:], self.listed_ids(name))

    def test_remove_unchanged_keeps_what_consumers_touched(self):
        name = self.make_queue()
        ids = self.post(name, 4)
        records = self.export_all(name)
        claim_id, _ = self.claim(name, limit=1)
        self.messages.delete(name, ids[1], project=self.project)
        kept = self.transfer.remove_unchanged(name, records,
                                              project=self.project)
        self.assertEqual(ids[:2], kept)
        self.assertEqual([ids[0]], [r.id for r in self.export_all(name)])
        [fresh] = self.transfer.fetch(name, kept, project=self.project)
        self.assertEqual(claim_id, fresh.claim_id)

    def test_import_of_known_ids_updates_in_place(self):
        name = self.make_queue()
        ids = self.post(name, 3)
        records = self.export_all(name)
        now = time.time()
        changed = dataclasses.replace(records[1], claim_id=None,
                                      expires=now + 1000)
        self.transfer.import_messages(name, [changed], project=self.project)
        self.assertEqual(ids, self.listed_ids(name))
        [again] = self.transfer.fetch(name, [ids[1]], project=self.project)
        self.assertAlmostEqual(now + 1000, again.expires, delta=0.01)


base.for_each_backend(globals(), TransferContract)
