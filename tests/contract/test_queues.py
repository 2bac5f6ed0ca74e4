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

"""Contract: queue records, listing, counting, stats and driver basics."""

from __future__ import annotations

import time
import uuid

from tests.contract import base
from zaqar.storage import errors, models


class QueueContract:
    """QueueController semantics, project isolation included."""

    # -- create / metadata ----------------------------------------------

    def test_create_returns_true_then_false(self):
        name = self.qname()
        self.assertTrue(self.queues.create(name, project=self.project))
        self.assertFalse(self.queues.create(name, project=self.project))
        self.assertTrue(self.queues.exists(name, project=self.project))

    def test_create_existing_queue_keeps_its_metadata(self):
        name = self.make_queue(metadata={'a': 1})
        self.assertFalse(self.queues.create(name, project=self.project,
                                            metadata={'b': 2}))
        self.assertEqual({'a': 1},
                         self.queues.get_metadata(name, project=self.project))

    def test_create_without_metadata_stores_empty_object(self):
        name = self.make_queue()
        self.assertEqual({},
                         self.queues.get_metadata(name, project=self.project))

    def test_metadata_round_trips_any_json_object(self):
        metadata = {'_max_claim_count': 3, '_dead_letter_queue': 'dlq',
                    'nested': {'list': [1, 2.5, None, True, 'x']},
                    'unicode': 'h\u00e9llo \u2603', 'empty': {}}
        name = self.make_queue(metadata=metadata)
        self.assertEqual(metadata,
                         self.queues.get_metadata(name, project=self.project))

    def test_metadata_of_the_largest_allowed_size_round_trips(self):
        # max_queue_metadata defaults to 65536 bytes.
        metadata = {'big': 'y' * 60000, 'n': 1}
        name = self.make_queue(metadata=metadata)
        self.assertEqual(metadata,
                         self.queues.get_metadata(name, project=self.project))

    def test_get_metadata_of_missing_queue_raises(self):
        self.assertRaises(errors.QueueDoesNotExist, self.queues.get_metadata,
                          self.qname(), project=self.project)

    def test_set_metadata_replaces_it_wholesale(self):
        name = self.make_queue(metadata={'a': 1, 'b': 2})
        self.queues.set_metadata(name, {'c': 3}, project=self.project)
        self.assertEqual({'c': 3},
                         self.queues.get_metadata(name, project=self.project))
        self.queues.set_metadata(name, {}, project=self.project)
        self.assertEqual({},
                         self.queues.get_metadata(name, project=self.project))

    def test_set_metadata_of_missing_queue_raises_and_creates_nothing(self):
        name = self.qname()
        self.assertRaises(errors.QueueDoesNotExist, self.queues.set_metadata,
                          name, {'a': 1}, project=self.project)
        self.assertFalse(self.queues.exists(name, project=self.project))

    def test_exists_reflects_create_and_delete(self):
        name = self.qname()
        self.assertFalse(self.queues.exists(name, project=self.project))
        self.make_queue(name)
        self.assertTrue(self.queues.exists(name, project=self.project))
        self.queues.delete(name, project=self.project)
        self.assertFalse(self.queues.exists(name, project=self.project))

    # -- delete ------------------------------------------------------------

    def _queue_state(self, name: str) -> tuple:
        """What deleting another queue must leave alone."""
        return (self.queues.get_metadata(name, project=self.project),
                self.listed_ids(name))

    def test_delete_is_idempotent(self):
        name = self.qname()
        self.queues.delete(name, project=self.project)
        self.assertEqual([], self.all_queues(self.project))
        neighbour = self.make_queue(metadata={'keep': 1})
        self.post(neighbour, 2)
        self.make_queue(name)
        self.queues.delete(name, project=self.project)
        # The first delete did the work ...
        self.assertFalse(self.queues.exists(name, project=self.project))
        self.assertRaises(errors.QueueDoesNotExist, self.queues.get_metadata,
                          name, project=self.project)
        before = self._queue_state(neighbour)
        self.assertEqual({'keep': 1}, before[0])
        self.assertEqual(2, len(before[1]))
        # ... and the second touches nothing else.
        self.queues.delete(name, project=self.project)
        self.assertFalse(self.queues.exists(name, project=self.project))
        self.assertEqual([neighbour],
                         [q.name for q in self.all_queues(self.project)])
        self.assertEqual(before, self._queue_state(neighbour))

    def test_delete_cascades_messages_and_claims(self):
        name = self.make_queue()
        ids = self.post(name, 4)
        claim_id, claimed = self.claim(name, limit=2)
        self.assertEqual(2, len(claimed))
        self.queues.delete(name, project=self.project)

        self.assertEqual(0, self.queues.stats(name,
                                              project=self.project).total)
        self.assertRaises(errors.ClaimDoesNotExist, self.claims.get,
                          name, claim_id, project=self.project)
        for message_id in ids:
            self.assertRaises(errors.MessageDoesNotExist, self.messages.get,
                              name, message_id, project=self.project)
        # A queue re-created under the same name starts empty.
        self.make_queue(name)
        self.assertEqual([], self.all_messages(name, include_claimed=True))
        self.assertEqual([], self.messages.bulk_get(name, ids,
                                                    project=self.project))
        self.assertEqual((None, []), self.claim(name))

    def test_delete_cascades_subscriptions(self):
        name = self.make_queue()
        sub_id = self.subscriptions.create(name, 'http://example.com/hook',
                                           300, {}, project=self.project)
        self.queues.delete(name, project=self.project)
        self.make_queue(name)
        self.assertRaises(errors.SubscriptionDoesNotExist,
                          self.subscriptions.get, name, sub_id,
                          project=self.project)
        self.assertIsNone(self.subscriptions.get_with_subscriber(
            name, 'http://example.com/hook', project=self.project))
        self.assertEqual([], self.subscriptions.list(
            name, project=self.project)[0])

    # -- list / count --------------------------------------------------------

    def test_list_is_sorted_by_name_in_byte_order(self):
        names = ['b', 'B', 'a', 'A1', '_x', '-y', '.z', '9', 'a.b', 'a-b',
                 'a_b', 'Zz', 'zZ']
        for name in names:
            self.make_queue(name)
        listed = [q.name for q in self.all_queues(self.project)]
        self.assertEqual(sorted(names, key=lambda n: n.encode()), listed)

    def test_list_pages_by_limit_with_last_name_as_marker(self):
        names = [f'q{i:02d}' for i in range(7)]
        for name in reversed(names):
            self.make_queue(name)
        page, marker = self.queues.list(project=self.project, limit=3)
        self.assertEqual(names[:3], [q.name for q in page])
        self.assertEqual('q02', marker)
        page, marker = self.queues.list(project=self.project, limit=3,
                                        marker=marker)
        self.assertEqual(names[3:6], [q.name for q in page])
        self.assertEqual('q05', marker)
        page, marker = self.queues.list(project=self.project, limit=3,
                                        marker=marker)
        self.assertEqual(['q06'], [q.name for q in page])
        self.assertEqual('q06', marker)
        page, marker = self.queues.list(project=self.project, limit=3,
                                        marker=marker)
        self.assertEqual([], page)
        self.assertIsNone(marker)

    def test_list_default_limit_is_ten(self):
        for i in range(12):
            self.make_queue(f'q{i:02d}')
        page, _ = self.queues.list(project=self.project)
        self.assertEqual(10, len(page))

    def test_list_marker_is_exclusive_and_need_not_exist(self):
        for name in ('a1', 'a2', 'b1', 'b2'):
            self.make_queue(name)
        page, _ = self.queues.list(project=self.project, marker='a2')
        self.assertEqual(['b1', 'b2'], [q.name for q in page])
        page, _ = self.queues.list(project=self.project, marker='a5')
        self.assertEqual(['b1', 'b2'], [q.name for q in page])
        page, _ = self.queues.list(project=self.project, marker='b2')
        self.assertEqual([], page)

    def test_list_of_empty_project_is_empty_without_marker(self):
        self.assertEqual(([], None), self.queues.list(project=self.project))

    def test_list_detailed_fills_metadata(self):
        self.make_queue('m1', metadata={'k': 'v'})
        self.make_queue('m2')
        page, _ = self.queues.list(project=self.project, detailed=True)
        self.assertEqual([models.Queue('m1', {'k': 'v'}),
                          models.Queue('m2', {})], page)
        page, _ = self.queues.list(project=self.project)
        self.assertEqual([models.Queue('m1', None), models.Queue('m2', None)],
                         page)

    def test_list_name_filter_is_a_case_sensitive_substring(self):
        for name in ('alpha', 'xalphay', 'ALPHA', 'Alpha', 'beta', 'alp'):
            self.make_queue(name)
        listed = [q.name for q in self.all_queues(self.project,
                                                  name='alpha')]
        self.assertEqual(['alpha', 'xalphay'], listed)
        listed = [q.name for q in self.all_queues(self.project,
                                                  name='ALPHA')]
        self.assertEqual(['ALPHA'], listed)

    def test_list_name_filter_treats_dots_and_underscores_literally(self):
        for name in ('a.b', 'axb', 'a_b', 'a-b'):
            self.make_queue(name)
        self.assertEqual(['a.b'], [q.name for q in self.all_queues(
            self.project, name='.')])
        self.assertEqual(['a_b'], [q.name for q in self.all_queues(
            self.project, name='_')])

    def test_list_name_filter_pages_with_marker(self):
        for i in range(5):
            self.make_queue(f'keep{i}')
            self.make_queue(f'drop{i}')
        page, marker = self.queues.list(project=self.project, name='keep',
                                        limit=3)
        self.assertEqual(['keep0', 'keep1', 'keep2'], [q.name for q in page])
        page, marker = self.queues.list(project=self.project, name='keep',
                                        limit=3, marker=marker)
        self.assertEqual(['keep3', 'keep4'], [q.name for q in page])
        self.assertEqual('keep4', marker)

    def test_count_counts_the_projects_queues(self):
        self.assertEqual(0, self.queues.count(project=self.project))
        for name in ('one', 'two', 'three', 'Two'):
            self.make_queue(name)
        self.assertEqual(4, self.queues.count(project=self.project))
        self.assertEqual(1, self.queues.count(project=self.project,
                                              name='two'))
        self.assertEqual(2, self.queues.count(project=self.project,
                                              name='wo'))
        self.queues.delete('one', project=self.project)
        self.assertEqual(3, self.queues.count(project=self.project))

    def test_queue_created_by_post_is_listed_with_empty_metadata(self):
        name = self.qname()
        self.post(name, 1)
        self.assertTrue(self.queues.exists(name, project=self.project))
        self.assertEqual({},
                         self.queues.get_metadata(name, project=self.project))
        self.assertEqual([models.Queue(name, {})], self.queues.list(
            project=self.project, detailed=True)[0])

    # -- project isolation ---------------------------------------------

    def test_other_projects_queue_is_invisible(self):
        name = self.make_queue(metadata={'secret': 1})
        other = self.other_project
        self.assertFalse(self.queues.exists(name, project=other))
        self.assertRaises(errors.QueueDoesNotExist, self.queues.get_metadata,
                          name, project=other)
        self.assertRaises(errors.QueueDoesNotExist, self.queues.set_metadata,
                          name, {'x': 1}, project=other)
        self.assertEqual(([], None), self.queues.list(project=other))
        self.assertEqual(0, self.queues.count(project=other))
        self.post(name, 2)
        self.assertEqual(0, self.queues.stats(name, project=other).total)
        self.queues.delete(name, project=other)
        self.assertTrue(self.queues.exists(name, project=self.project))
        self.assertEqual({'secret': 1},
                         self.queues.get_metadata(name, project=self.project))
        self.assertEqual(2, self.queues.stats(name,
                                              project=self.project).total)

    def test_same_name_in_two_projects_is_two_queues(self):
        name = self.make_queue(metadata={'who': 'one'})
        self.assertTrue(self.queues.create(name, project=self.other_project,
                                           metadata={'who': 'two'}))
        self.assertEqual({'who': 'one'},
                         self.queues.get_metadata(name, project=self.project))
        self.assertEqual({'who': 'two'}, self.queues.get_metadata(
            name, project=self.other_project))
        self.post(name, 3)
        self.post(name, 1, project=self.other_project)
        self.assertEqual(3, self.queues.stats(name,
                                              project=self.project).total)
        self.assertEqual(1, self.queues.stats(
            name, project=self.other_project).total)
        self.queues.delete(name, project=self.other_project)
        self.assertTrue(self.queues.exists(name, project=self.project))
        self.assertEqual(3, self.queues.stats(name,
                                              project=self.project).total)

    # -- stats ---------------------------------------------------------------

    def test_stats_of_missing_queue_are_zero(self):
        self.assertEqual(models.QueueStats(),
                         self.queues.stats(self.qname(), project=self.project))

    def test_stats_of_empty_queue_are_zero(self):
        name = self.make_queue()
        self.assertEqual(models.QueueStats(),
                         self.queues.stats(name, project=self.project))

    def test_stats_count_claimed_and_free_messages(self):
        name = self.qname()
        self.post(name, 5)
        self.claim(name, limit=2)
        stats = self.queues.stats(name, project=self.project)
        self.assertEqual((2, 3, 5), (stats.claimed, stats.free, stats.total))

    def test_stats_count_released_claims_messages_as_free(self):
        name = self.qname()
        self.post(name, 3)
        claim_id, _ = self.claim(name)
        self.claims.delete(name, claim_id, project=self.project)
        stats = self.queues.stats(name, project=self.project)
        self.assertEqual((0, 3, 3), (stats.claimed, stats.free, stats.total))

    def test_stats_count_delayed_messages_as_free(self):
        name = self.qname()
        self.post(name, 2, delay=300)
        self.post(name, 1)
        stats = self.queues.stats(name, project=self.project)
        self.assertEqual((0, 3, 3), (stats.claimed, stats.free, stats.total))

    def test_stats_name_oldest_and_newest_messages(self):
        name = self.qname()
        before = time.time()
        first = self.post(name, 1)[0]
        time.sleep(0.05)
        self.post(name, 1)
        time.sleep(0.05)
        last = self.post(name, 1)[0]
        after = time.time()
        stats = self.queues.stats(name, project=self.project)
        self.assertIsInstance(stats.oldest, models.MessageStamp)
        self.assertIsInstance(stats.newest, models.MessageStamp)
        self.assertEqual(first, stats.oldest.id)
        self.assertEqual(last, stats.newest.id)
        for stamp in (stats.oldest, stats.newest):
            self.assertGreaterEqual(stamp.created, before - 1)
            self.assertLessEqual(stamp.created, after + 1)
            self.assertIsInstance(stamp.age, int)
            self.assertIn(stamp.age, (0, 1))
        self.assertLessEqual(stats.oldest.created, stats.newest.created)
        message = self.messages.get(name, first, project=self.project)
        self.assertAlmostEqual(message.created, stats.oldest.created,
                               delta=1)

    def test_stats_oldest_and_newest_include_claimed_messages(self):
        name = self.qname()
        ids = self.post(name, 3)
        self.claim(name, limit=3)
        stats = self.queues.stats(name, project=self.project)
        self.assertEqual(ids[0], stats.oldest.id)
        self.assertEqual(ids[-1], stats.newest.id)


class DriverContract:
    """DataDriver-level probes."""

    def test_is_alive(self):
        self.assertIs(True, self.driver.is_alive())

    def test_gc_returns_a_count_and_keeps_live_data(self):
        name = self.qname()
        ids = self.post(name, 2)
        claim_id, _ = self.claim(name, limit=1)
        sub_id = self.subscriptions.create(name, 'http://example.com/gc',
                                           300, {}, project=self.project)
        removed = self.driver.gc()
        self.assertIsInstance(removed, int)
        self.assertNotIsInstance(removed, bool)
        self.assertGreaterEqual(removed, 0)
        self.assertEqual(ids, [m.id for m in self.messages.bulk_get(
            name, ids, project=self.project)])
        self.assertEqual(claim_id, self.claims.get(
            name, claim_id, project=self.project).id)
        self.assertEqual(sub_id, self.subscriptions.get(
            name, sub_id, project=self.project).id)

    def test_capabilities_are_known_names(self):
        from zaqar.storage import base as storage_base
        self.assertTrue(set(self.driver.capabilities)
                        <= set(storage_base.CAPABILITIES))

    def test_driver_name_matches_its_entry_point(self):
        from tests import backends
        self.assertEqual(backends.ALL[self.backend_name].driver,
                         self.driver.name)

    def test_longest_project_id_and_queue_name_work(self):
        # The API allows project ids of 256 and queue names of 64 chars.
        project = self.new_project() + 'x' * (256 - 34)
        self.assertEqual(256, len(project))
        self._projects.append(project)
        name = 'n' * 64
        self._touched.add((project, name))
        self.assertTrue(self.queues.create(name, project=project))
        ids = self.post(name, 2, project=project)
        self.assertEqual([models.Queue(name, {})],
                         self.queues.list(project=project, detailed=True)[0])
        claim_id, claimed = self.claim(name, project=project, limit=1)
        self.assertEqual(ids[:1], [m.id for m in claimed])
        self.messages.delete(name, ids[0], project=project,
                             claim_id=claim_id)
        sub_id = self.subscriptions.create(name, 'http://example.com/long',
                                           300, {}, project=project)
        self.assertEqual(name, self.subscriptions.get(
            name, sub_id, project=project).source)
        self.assertEqual(1, self.queues.stats(name, project=project).total)
        self.assertEqual(0, self.queues.count(project=project[:-1]))

    def test_unused_project_has_nothing(self):
        project = 'p-' + uuid.uuid4().hex
        self.assertEqual(([], None), self.queues.list(project=project))
        self.assertEqual(0, self.queues.count(project=project))


base.for_each_backend(globals(), QueueContract, DriverContract)
