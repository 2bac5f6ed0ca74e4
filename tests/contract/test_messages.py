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

"""Contract: posting, reading, listing, deleting and popping messages."""

from __future__ import annotations

import time
import uuid

from tests.contract import base
from zaqar.storage import errors, models

# Ids no driver can have issued: wrong formats and a well-formed stranger.
BOGUS_IDS = ('nonexist', 'abc', '0' * 24, 'f' * 32)


def bogus_ids() -> list[str]:
    return [*BOGUS_IDS, str(uuid.uuid4()), uuid.uuid4().hex]


class MessagePostContract:
    """post() and get()/bulk_get()."""

    def test_post_returns_distinct_ids_in_input_order(self):
        name = self.qname()
        ids = self.post(name, bodies=['a', 'b', 'c', 'd', 'e'])
        self.assertEqual(5, len(set(ids)))
        for message_id in ids:
            self.assertIsInstance(message_id, str)
        bodies = [self.messages.get(name, i, project=self.project).body
                  for i in ids]
        self.assertEqual(['a', 'b', 'c', 'd', 'e'], bodies)

    def test_post_creates_the_missing_queue_with_empty_metadata(self):
        name = self.qname()
        self.assertFalse(self.queues.exists(name, project=self.project))
        self.post(name, 1)
        self.assertTrue(self.queues.exists(name, project=self.project))
        self.assertEqual({},
                         self.queues.get_metadata(name, project=self.project))

    def test_post_keeps_the_metadata_of_an_existing_queue(self):
        name = self.make_queue(metadata={'keep': True})
        self.post(name, 2)
        self.assertEqual({'keep': True},
                         self.queues.get_metadata(name, project=self.project))

    def test_post_stores_any_json_body(self):
        bodies = [None, [], [1, 'two', None], 'text', '', 0, -1.5, True,
                  False, {}, {'nested': {'a': [1, {'b': None}], 'c': 'd'}},
                  'h\u00e9llo \u2603 \U0001f600', 12345678901234]
        name = self.qname()
        ids = self.post(name, bodies=bodies)
        got = {m.id: m.body for m in self.messages.bulk_get(
            name, ids, project=self.project)}
        self.assertEqual(bodies, [got[i] for i in ids])
        for message_id, body in zip(ids, bodies):
            self.assertEqual(body, self.messages.get(
                name, message_id, project=self.project).body)
        listed = self.all_messages(name)
        self.assertEqual(bodies, [m.body for m in listed])

    def test_post_stores_a_body_of_the_largest_allowed_post(self):
        # _max_messages_post_size defaults to 262144 bytes per request.
        body = {'blob': 'x' * 250000, 'tail': '\u2603' * 1000}
        name = self.qname()
        message_id = self.post(name, bodies=[body])[0]
        self.assertEqual(body, self.messages.get(
            name, message_id, project=self.project).body)

    def test_post_keeps_the_checksum(self):
        name = self.qname()
        ids = self.messages.post(name, [
            {'body': 1, 'ttl': base.TTL, 'delay': 0,
             'checksum': 'MD5:0123456789abcdef'},
            {'body': 2, 'ttl': base.TTL, 'delay': 0},
        ], project=self.project, client_uuid=self.client_uuid)
        first = self.messages.get(name, ids[0], project=self.project)
        second = self.messages.get(name, ids[1], project=self.project)
        self.assertEqual('MD5:0123456789abcdef', first.checksum)
        self.assertIsNone(second.checksum)
        self.assertEqual('MD5:0123456789abcdef',
                         self.all_messages(name)[0].checksum)

    def test_get_returns_a_fresh_messages_fields(self):
        name = self.qname()
        before = time.time()
        message_id = self.post(name, bodies=[{'k': 'v'}], ttl=120)[0]
        after = time.time()
        message = self.messages.get(name, message_id, project=self.project)
        self.assertIsInstance(message, models.Message)
        self.assertEqual(message_id, message.id)
        self.assertEqual({'k': 'v'}, message.body)
        self.assertEqual(120, message.ttl)
        self.assertIsInstance(message.age, int)
        self.assertIn(message.age, (0, 1))
        self.assertGreaterEqual(message.created, before - 1)
        self.assertLessEqual(message.created, after + 1)
        self.assertIsNone(message.claim_id)
        self.assertEqual(0, message.claim_count)

    def test_get_of_unknown_or_malformed_id_raises(self):
        name = self.qname()
        self.post(name, 1)
        for message_id in bogus_ids():
            self.assertRaises(errors.MessageDoesNotExist, self.messages.get,
                              name, message_id, project=self.project)

    def test_get_in_missing_queue_raises(self):
        self.assertRaises(errors.MessageDoesNotExist, self.messages.get,
                          self.qname(), str(uuid.uuid4()),
                          project=self.project)

    def test_get_of_another_queues_message_raises(self):
        first, second = self.qname(), self.qname()
        message_id = self.post(first, 1)[0]
        self.post(second, 1)
        self.assertRaises(errors.MessageDoesNotExist, self.messages.get,
                          second, message_id, project=self.project)

    def test_get_includes_delayed_and_claimed_messages(self):
        name = self.qname()
        claimed = self.post(name, 1)[0]
        claim_id, _ = self.claim(name)
        delayed = self.post(name, 1, delay=300)[0]
        self.assertEqual(claim_id, self.messages.get(
            name, claimed, project=self.project).claim_id)
        self.assertEqual(delayed, self.messages.get(
            name, delayed, project=self.project).id)

    def test_bulk_get_returns_known_ids_and_skips_the_rest(self):
        name = self.qname()
        ids = self.post(name, 3)
        wanted = [ids[2], *bogus_ids(), ids[0]]
        got = self.messages.bulk_get(name, wanted, project=self.project)
        self.assertEqual({ids[0], ids[2]}, {m.id for m in got})
        self.assertEqual(2, len(got))
        self.assertEqual([], self.messages.bulk_get(name, [],
                                                    project=self.project))
        self.assertEqual([], self.messages.bulk_get(
            self.qname(), ids, project=self.project))


class MessageListContract:
    """list(): FIFO order, markers, echo and the include_* filters."""

    def test_list_returns_messages_in_post_order(self):
        name = self.qname()
        ids = []
        for batch in range(4):
            ids += self.post(name, 3, bodies=[batch * 3 + i
                                              for i in range(3)])
        self.assertEqual(ids, self.listed_ids(name))
        self.assertEqual(list(range(12)),
                         [m.body for m in self.all_messages(name)])

    def test_list_pages_through_many_messages_without_gaps_or_dupes(self):
        name = self.qname()
        ids = []
        for _ in range(5):
            ids += self.post(name, 11)
        for limit in (1, 7, 10, 55, 100):
            self.assertEqual(ids, self.listed_ids(name, limit=limit))

    def test_list_default_limit_is_ten(self):
        name = self.qname()
        ids = self.post(name, 12)
        page, marker = self.messages.list(name, project=self.project,
                                          echo=True)
        self.assertEqual(ids[:10], [m.id for m in page])
        self.assertIsNotNone(marker)

    def test_list_marker_returns_only_later_messages(self):
        name = self.qname()
        ids = self.post(name, 3)
        page, marker = self.messages.list(name, project=self.project,
                                          limit=2, echo=True)
        self.assertEqual(ids[:2], [m.id for m in page])
        later = self.post(name, 2)
        page, marker = self.messages.list(name, project=self.project,
                                          limit=10, echo=True, marker=marker)
        self.assertEqual([ids[2], *later], [m.id for m in page])
        self.assertIsInstance(marker, str)
        page, marker = self.messages.list(name, project=self.project,
                                          echo=True, marker=marker)
        self.assertEqual(([], None), (page, marker))

    def test_list_marker_survives_deletion_of_its_message(self):
        name = self.qname()
        ids = self.post(name, 4)
        page, marker = self.messages.list(name, project=self.project,
                                          limit=2, echo=True)
        self.messages.delete(name, ids[1], project=self.project)
        page, _ = self.messages.list(name, project=self.project, echo=True,
                                     marker=marker)
        self.assertEqual(ids[2:], [m.id for m in page])

    def test_list_of_empty_or_missing_queue_is_empty_without_marker(self):
        self.assertEqual(([], None), self.messages.list(
            self.qname(), project=self.project, echo=True))
        name = self.make_queue()
        self.assertEqual(([], None), self.messages.list(
            name, project=self.project, echo=True))

    def test_list_without_echo_hides_the_callers_own_messages(self):
        name = self.qname()
        me, other = str(uuid.uuid4()), str(uuid.uuid4())
        mine = self.post(name, 2, client_uuid=me)
        theirs = self.post(name, 2, client_uuid=other)
        mine += self.post(name, 1, client_uuid=me)
        self.assertEqual(theirs, self.listed_ids(name, echo=False,
                                                 client_uuid=me))
        self.assertEqual(mine, self.listed_ids(name, echo=False,
                                               client_uuid=other))
        self.assertEqual(mine[:2] + theirs + mine[2:],
                         self.listed_ids(name, echo=True, client_uuid=me))

    def test_list_without_client_uuid_hides_nothing(self):
        name = self.qname()
        ids = self.post(name, 2)
        page, _ = self.messages.list(name, project=self.project, echo=False)
        self.assertEqual(ids, [m.id for m in page])

    def test_list_echo_filter_pages_correctly(self):
        name = self.qname()
        me, other = str(uuid.uuid4()), str(uuid.uuid4())
        expected = []
        for _ in range(4):
            self.post(name, 3, client_uuid=me)
            expected += self.post(name, 2, client_uuid=other)
        self.assertEqual(expected, self.listed_ids(
            name, echo=False, client_uuid=me, limit=3))

    def test_list_hides_claimed_messages_unless_asked(self):
        name = self.qname()
        ids = self.post(name, 4)
        claim_id, _ = self.claim(name, limit=2)
        self.assertEqual(ids[2:], self.listed_ids(name))
        listed = self.all_messages(name, include_claimed=True)
        self.assertEqual(ids, [m.id for m in listed])
        self.assertEqual([claim_id, claim_id, None, None],
                         [m.claim_id for m in listed])

    def test_list_hides_delayed_messages_unless_asked(self):
        name = self.qname()
        now = self.post(name, 1)
        later = self.post(name, 2, delay=300)
        now += self.post(name, 1)
        self.assertEqual(now, self.listed_ids(name))
        self.assertEqual([now[0], *later, now[1]],
                         self.listed_ids(name, include_delayed=True))

    def test_list_combines_include_claimed_and_include_delayed(self):
        name = self.qname()
        ids = self.post(name, 2)
        self.claim(name, limit=1)
        ids += self.post(name, 1, delay=300)
        self.assertEqual([ids[1]], self.listed_ids(name))
        self.assertEqual(ids, self.listed_ids(
            name, include_claimed=True, include_delayed=True))


class MessageDeleteContract:
    """delete() rules, in base.py's order, plus bulk_delete()."""

    def test_delete_removes_an_unclaimed_message(self):
        name = self.qname()
        ids = self.post(name, 2)
        self.messages.delete(name, ids[0], project=self.project)
        self.assertRaises(errors.MessageDoesNotExist, self.messages.get,
                          name, ids[0], project=self.project)
        self.assertEqual(ids[1:], self.listed_ids(name))

    def test_delete_of_missing_message_is_a_noop(self):
        name = self.qname()
        ids = self.post(name, 1)
        claim_id, _ = self.claim(name)
        for message_id in bogus_ids():
            self.messages.delete(name, message_id, project=self.project)
            # The missing message wins over every claim check.
            self.messages.delete(name, message_id, project=self.project,
                                 claim_id=claim_id)
            self.messages.delete(name, message_id, project=self.project,
                                 claim_id='nonexist')
        self.messages.delete(self.qname(), ids[0], project=self.project)
        self.assertEqual(ids, [m.id for m in self.messages.bulk_get(
            name, ids, project=self.project)])

    def _message_state(self, name: str) -> list[tuple]:
        """What deleting another message must leave alone."""
        return [(m.id, m.body, m.ttl, m.claim_id, m.claim_count)
                for m in self.all_messages(name, include_claimed=True)]

    def test_delete_twice_is_a_noop(self):
        name = self.qname()
        held = self.post(name, 1)[0]
        claim_id, claimed = self.claim(name, limit=1)
        self.assertEqual([held], [m.id for m in claimed])
        message_id, kept = self.post(name, 2)
        self.messages.delete(name, message_id, project=self.project)
        # The first delete did the work ...
        self.assertRaises(errors.MessageDoesNotExist, self.messages.get,
                          name, message_id, project=self.project)
        before = self._message_state(name)
        self.assertEqual([(held, claim_id), (kept, None)],
                         [(m[0], m[3]) for m in before])
        # ... and the second touches nothing else.
        self.messages.delete(name, message_id, project=self.project)
        self.assertRaises(errors.MessageDoesNotExist, self.messages.get,
                          name, message_id, project=self.project)
        self.assertEqual(before, self._message_state(name))
        self.assertEqual([kept], self.listed_ids(name))

    def test_delete_with_unknown_claim_raises_claim_does_not_exist(self):
        name = self.qname()
        message_id = self.post(name, 1)[0]
        for claim_id in bogus_ids():
            if not claim_id:
                continue
            self.assertRaises(errors.ClaimDoesNotExist, self.messages.delete,
                              name, message_id, project=self.project,
                              claim_id=claim_id)
        self.messages.get(name, message_id, project=self.project)

    def test_delete_with_released_claim_raises_claim_does_not_exist(self):
        name = self.qname()
        message_id = self.post(name, 1)[0]
        claim_id, _ = self.claim(name)
        self.claims.delete(name, claim_id, project=self.project)
        self.assertRaises(errors.ClaimDoesNotExist, self.messages.delete,
                          name, message_id, project=self.project,
                          claim_id=claim_id)

    def test_delete_with_another_queues_claim_raises_claim_does_not_exist(
            self):
        first, second = self.qname(), self.qname()
        self.post(first, 1)
        message_id = self.post(second, 1)[0]
        claim_id, _ = self.claim(first)
        self.assertRaises(errors.ClaimDoesNotExist, self.messages.delete,
                          second, message_id, project=self.project,
                          claim_id=claim_id)

    def test_delete_unclaimed_message_with_live_claim_raises_not_claimed(
            self):
        name = self.qname()
        ids = self.post(name, 2)
        claim_id, _ = self.claim(name, limit=1)
        self.assertRaises(errors.MessageNotClaimed, self.messages.delete,
                          name, ids[1], project=self.project,
                          claim_id=claim_id)
        self.messages.get(name, ids[1], project=self.project)

    def test_delete_message_under_another_claim_raises_not_claimed_by(self):
        name = self.qname()
        ids = self.post(name, 2)
        first, _ = self.claim(name, limit=1)
        second, _ = self.claim(name, limit=1)
        self.assertRaises(errors.MessageNotClaimedBy, self.messages.delete,
                          name, ids[0], project=self.project,
                          claim_id=second)
        self.assertEqual(first, self.messages.get(
            name, ids[0], project=self.project).claim_id)

    def test_delete_claimed_message_without_claim_raises_is_claimed(self):
        name = self.qname()
        message_id = self.post(name, 1)[0]
        claim_id, _ = self.claim(name)
        self.assertRaises(errors.MessageIsClaimed, self.messages.delete,
                          name, message_id, project=self.project)
        self.assertEqual(claim_id, self.messages.get(
            name, message_id, project=self.project).claim_id)

    def test_delete_claimed_message_with_its_claim(self):
        name = self.qname()
        ids = self.post(name, 2)
        claim_id, _ = self.claim(name)
        self.messages.delete(name, ids[0], project=self.project,
                             claim_id=claim_id)
        self.assertRaises(errors.MessageDoesNotExist, self.messages.get,
                          name, ids[0], project=self.project)
        claim = self.claims.get(name, claim_id, project=self.project)
        self.assertEqual([ids[1]], [m.id for m in claim.messages])

    def test_bulk_delete_removes_messages_whatever_their_claim(self):
        name = self.qname()
        ids = self.post(name, 4)
        self.claim(name, limit=2)
        self.messages.bulk_delete(name, ids[1:3], project=self.project)
        self.assertEqual([ids[0], ids[3]], [m.id for m in sorted(
            self.messages.bulk_get(name, ids, project=self.project),
            key=lambda m: ids.index(m.id))])

    def test_bulk_delete_ignores_unknown_ids(self):
        name = self.qname()
        ids = self.post(name, 2)
        self.messages.bulk_delete(name, [*bogus_ids(), ids[0]],
                                  project=self.project)
        self.assertEqual([ids[1]], self.listed_ids(name))
        self.messages.bulk_delete(name, [], project=self.project)
        self.messages.bulk_delete(self.qname(), ids, project=self.project)
        self.assertEqual([ids[1]], self.listed_ids(name))

    def test_bulk_delete_with_claim_ids_keeps_other_messages(self):
        name = self.qname()
        ids = self.post(name, 6)
        first, _ = self.claim(name, limit=2)
        second, _ = self.claim(name, limit=2)
        self.messages.bulk_delete(name, ids, project=self.project,
                                  claim_ids=[first, 'nonexist'])
        self.assertEqual(ids[2:], self.listed_ids(name, include_claimed=True))
        self.messages.bulk_delete(name, ids, project=self.project,
                                  claim_ids=[second])
        self.assertEqual(ids[4:], self.listed_ids(name, include_claimed=True))


class MessagePopContract:
    """pop(): atomic take of the oldest free messages."""

    def test_pop_returns_the_oldest_and_removes_them(self):
        name = self.qname()
        ids = self.post(name, 5)
        popped = self.messages.pop(name, 3, project=self.project)
        self.assertEqual(ids[:3], [m.id for m in popped])
        self.assertEqual([0, 1, 2], [m.body for m in popped])
        self.assertEqual(ids[3:], self.listed_ids(name))
        for message_id in ids[:3]:
            self.assertRaises(errors.MessageDoesNotExist, self.messages.get,
                              name, message_id, project=self.project)

    def test_pop_skips_claimed_and_delayed_messages(self):
        name = self.qname()
        claimed = self.post(name, 1)
        self.claim(name)
        delayed = self.post(name, 1, delay=300)
        free = self.post(name, 2)
        popped = self.messages.pop(name, 10, project=self.project)
        self.assertEqual(free, [m.id for m in popped])
        self.assertEqual(claimed + delayed, self.listed_ids(
            name, include_claimed=True, include_delayed=True))

    def test_pop_of_empty_or_missing_queue_returns_nothing(self):
        self.assertEqual([], list(self.messages.pop(
            self.qname(), 5, project=self.project)))
        name = self.make_queue()
        self.assertEqual([], list(self.messages.pop(
            name, 5, project=self.project)))


class MessageIsolationContract:
    """Another project's messages are invisible and untouchable."""

    def test_other_projects_messages_are_invisible(self):
        name = self.qname()
        ids = self.post(name, 3)
        other = self.other_project
        for message_id in ids:
            self.assertRaises(errors.MessageDoesNotExist, self.messages.get,
                              name, message_id, project=other)
        self.assertEqual([], self.messages.bulk_get(name, ids,
                                                    project=other))
        self.assertEqual(([], None), self.messages.list(
            name, project=other, echo=True, include_claimed=True,
            include_delayed=True))
        self.assertEqual([], list(self.messages.pop(name, 5,
                                                    project=other)))
        self.assertEqual((None, []), self.claim(name, project=other))
        self.messages.delete(name, ids[0], project=other)
        self.messages.bulk_delete(name, ids, project=other)
        self.assertEqual(ids, self.listed_ids(name))

    def test_same_queue_name_in_two_projects_holds_separate_messages(self):
        name = self.qname()
        mine = self.post(name, 2)
        theirs = self.post(name, 3, project=self.other_project)
        self.assertEqual(mine, self.listed_ids(name))
        self.assertEqual(theirs, self.listed_ids(
            name, project=self.other_project))
        popped = self.messages.pop(name, 10, project=self.other_project)
        self.assertEqual(theirs, [m.id for m in popped])
        self.assertEqual(mine, self.listed_ids(name))

    def test_other_projects_claim_cannot_delete_my_message(self):
        name = self.qname()
        mine = self.post(name, 1)[0]
        self.post(name, 1, project=self.other_project)
        their_claim, _ = self.claim(name, project=self.other_project)
        self.assertRaises(errors.ClaimDoesNotExist, self.messages.delete,
                          name, mine, project=self.project,
                          claim_id=their_claim)


base.for_each_backend(globals(), MessagePostContract, MessageListContract,
                      MessageDeleteContract, MessagePopContract,
                      MessageIsolationContract)
