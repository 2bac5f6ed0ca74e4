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

"""Contract: idempotent posts (``dedup_id``) on every driver.

The API hands the storage each message's ``dedup_id`` with the queue's
window in seconds (``dedup_window``; 0 or missing: not deduplicated).
"""

from __future__ import annotations

import multiprocessing
import threading
import time

from pymongo import errors as mongo_errors

from tests import backends
from tests.contract import base
from zaqar.storage import errors, loader
from zaqar.storage import transfer as dedup_records
from zaqar.storage.mongodb import indexes

POSTERS = 8
PROCESSES = 4


def _post_in_process(driver_name, uri, options, queue, project, start, out):
    """A separate API worker: its own driver, one post at ``start``."""
    try:
        driver = loader.load_data_driver(driver_name, uri, options)
        try:
            time.sleep(max(0.0, start - time.time()))
            out.put(driver.message_controller.post(
                queue, [item('p', 'same')], project=project,
                client_uuid='0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9'))
        finally:
            driver.close()
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        out.put(repr(exc))


def item(body, dedup_id=None, window=300, group=None, ttl=base.TTL):
    doc = {'body': body, 'ttl': ttl, 'delay': 0}
    if dedup_id is not None:
        doc['dedup_id'] = dedup_id
        doc['dedup_window'] = window
    if group is not None:
        doc['group'] = group
    return doc


class _Posting:

    def post_items(self, queue, items, driver=None):
        self._touched.add((self.project, queue))
        driver = driver or self.driver
        return driver.message_controller.post(
            queue, items, project=self.project, client_uuid=self.client_uuid)

    def post_at_once(self, queue, posters: int, dedup_id: str) -> list:
        """``posters`` threads, each with its own driver, post one message
        of ``dedup_id`` at the same moment; their answers."""
        drivers = [self.new_driver() for _ in range(posters)]
        answers: list = [None] * posters
        failures: list = []
        start = threading.Barrier(posters)

        def poster(index):
            try:
                start.wait(timeout=60)
                answers[index] = self.post_items(
                    queue, [item(index, dedup_id)], driver=drivers[index])
            except BaseException as exc:  # noqa: BLE001 - reported below
                failures.append(exc)

        threads = [threading.Thread(target=poster, args=(i,), daemon=True)
                   for i in range(posters)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertEqual([], failures)
        return answers


class DedupContract(_Posting):
    """A dedup_id is stored once per window; retries get the first id."""

    def test_repeated_dedup_id_answers_with_the_original_id(self):
        name = self.qname()
        first = self.post_items(name, [item('a', 'k1')])
        again = self.post_items(name, [item('b', 'k1')])
        self.assertEqual(first, again)
        listed = self.all_messages(name)
        self.assertEqual(['a'], [m.body for m in listed])
        self.assertEqual('k1', listed[0].dedup_id)

    def test_batch_mixes_new_repeated_and_plain_messages(self):
        name = self.qname()
        [old] = self.post_items(name, [item('old', 'k1')])
        ids = self.post_items(name, [item('p1'), item('x', 'k1'),
                                     item('new', 'k2'), item('y', 'k2'),
                                     item('p2')])
        self.assertEqual(5, len(ids))
        self.assertEqual(old, ids[1])
        self.assertEqual(ids[2], ids[3])
        self.assertEqual(4, len(set(ids)))
        self.assertEqual(['old', 'p1', 'new', 'p2'],
                         [m.body for m in self.all_messages(name)])

    def test_dedup_is_per_queue_and_per_project(self):
        one, two = self.qname(), self.qname()
        [a] = self.post_items(one, [item('a', 'k')])
        [b] = self.post_items(two, [item('b', 'k')])
        self.assertNotEqual(a, b)
        other = self.messages.post(one, [item('c', 'k')],
                                   project=self.other_project,
                                   client_uuid=self.client_uuid)
        self.assertNotIn(a, other)

    def test_dedup_records_are_exported_and_imported(self):
        # What a pool move carries: another queue stands for the other
        # store (dedup is per queue).
        source, target = self.qname(), self.qname()
        [k1, k2] = self.post_items(source, [item('a', 'k1'),
                                            item('b', 'k2', window=60)])
        self.post_items(source, [item('plain')])
        transfer = self.driver.transfer_controller
        exported = transfer.export_dedup(source, project=self.project)
        self.assertEqual([('k1', k1), ('k2', k2)],
                         [(d.dedup_id, d.message_id) for d in exported])
        self.assertAlmostEqual(time.time() + 300, exported[0].expires,
                               delta=5)
        self.assertAlmostEqual(time.time() + 60, exported[1].expires,
                               delta=5)
        self.assertEqual(['k2'], [d.dedup_id for d in transfer.export_dedup(
            source, project=self.project, dedup_ids=['k2', 'unknown'])])
        self.assertEqual([], transfer.export_dedup(
            self.qname(), project=self.project))

        [mine] = self.post_items(target, [item('t', 'k2')])
        stale = dedup_records.DedupRecord('k3', k1, time.time() - 1)
        transfer.import_dedup(target, [*exported, stale],
                              project=self.project)
        # Imported: a retry answers with the source's message.
        self.assertEqual([k1], self.post_items(target, [item('x', 'k1')]))
        # The target's own live record wins; an expired one is skipped.
        self.assertEqual([mine], self.post_items(target, [item('y', 'k2')]))
        [k3] = self.post_items(target, [item('z', 'k3')])
        self.assertNotEqual(k1, k3)
        self.assertEqual(['t', 'z'],
                         [m.body for m in self.all_messages(target)])

    def test_window_zero_stores_every_post(self):
        name = self.qname()
        first = self.post_items(name, [item('a', 'k', window=0)])
        again = self.post_items(name, [item('b', 'k', window=0)])
        self.assertNotEqual(first, again)
        self.assertEqual(['k', 'k'],
                         [m.dedup_id for m in self.all_messages(name)])

    def test_deleted_original_still_deduplicates_within_the_window(self):
        name = self.qname()
        [first] = self.post_items(name, [item('a', 'k')])
        self.messages.delete(name, first, project=self.project)
        self.assertEqual([first], self.post_items(name, [item('b', 'k')]))
        self.assertEqual([], self.all_messages(name))

    def test_dedup_id_is_forgotten_after_the_window(self):
        name = self.qname()
        [first] = self.post_items(name, [item('a', 'k', window=1)])
        self.wait_for_expiry()
        [second] = self.post_items(name, [item('b', 'k', window=1)])
        self.assertNotEqual(first, second)
        self.assertEqual(['a', 'b'],
                         [m.body for m in self.all_messages(name)])

    def test_read_back_keeps_dedup_id_and_group(self):
        name = self.qname()
        [mid, plain] = self.post_items(
            name, [item('a', 'k', group='g'), item('b')])
        got = self.messages.get(name, mid, project=self.project)
        self.assertEqual(('k', 'g'), (got.dedup_id, got.group))
        plain_msg = self.messages.get(name, plain, project=self.project)
        self.assertEqual((None, None), (plain_msg.dedup_id, plain_msg.group))
        [bulk] = self.messages.bulk_get(name, [mid], project=self.project)
        self.assertEqual(('k', 'g'), (bulk.dedup_id, bulk.group))
        _, claimed = self.claim(name, limit=1)
        self.assertEqual(('k', 'g'), (claimed[0].dedup_id, claimed[0].group))

    def test_concurrent_posts_of_one_dedup_id_store_one_message(self):
        name = self.qname()
        self.make_queue(name)
        answers = self.post_at_once(name, POSTERS, 'same')
        self.assertEqual(1, len({tuple(a) for a in answers}), answers)
        listed = self.all_messages(name)
        self.assertEqual([answers[0][0]], [m.id for m in listed])
        self.assertEqual(1, self.queues.stats(name,
                                              project=self.project).total)


    def test_concurrent_posts_from_processes_store_one_message(self):
        name = self.make_queue()
        state = self._class_state()
        context = multiprocessing.get_context('spawn')
        out = context.Queue()
        # Spawned interpreters take a while to import; all post at once.
        start = time.time() + 8
        workers = [context.Process(target=_post_in_process, args=(
            backends.ALL[self.backend_name].driver, state.uri,
            state.options, name, self.project, start, out))
            for _ in range(PROCESSES)]
        for worker in workers:
            worker.start()
        answers = [out.get(timeout=120) for _ in workers]
        for worker in workers:
            worker.join(timeout=60)
        self.assertEqual(1, len({repr(a) for a in answers}), answers)
        self.assertIsInstance(answers[0], list)
        self.assertEqual(answers[0], self.listed_ids(name))

    def test_moved_messages_keep_dedup_id_and_group(self):
        # What a pool move does (tests.contract.test_transfer.copy).
        source, target = self.make_queue(), self.make_queue()
        ids = self.post_items(source, [item('a', 'k', group='g'),
                                       item('b')])
        xfer = self.driver.transfer_controller
        records = xfer.export_tail(source, project=self.project, limit=10)
        self.assertEqual([('k', 'g'), (None, None)],
                         [(r.dedup_id, r.group) for r in records])
        self.assertEqual([], xfer.remove_unchanged(source, records,
                                                   project=self.project))
        xfer.import_messages(target, records, project=self.project)
        moved = self.all_messages(target)
        self.assertEqual(ids, [m.id for m in moved])
        self.assertEqual([('k', 'g'), (None, None)],
                         [(m.dedup_id, m.group) for m in moved])


class _PosterDied(BaseException):
    """The process stops here: no except clause of the driver runs."""


class _DiesBeforeInsert:
    """The messages collection of a poster that dies right before its
    ``insert_many`` (after its dedup records are written)."""

    def __init__(self, collection):
        self._collection = collection

    def __getattr__(self, name):
        return getattr(self._collection, name)

    def insert_many(self, *args, **kwargs):
        raise _PosterDied()


class MongoDBDedupFaults(_Posting):
    """A dedup record whose poster died mid-post never answers a retry
    with the id of a message that was not stored (issue 18 follow-up)."""

    def dead_poster(self, name, dedup_id):
        """Run a post through the driver until it dies; its message id."""
        driver = self.new_driver()
        controller = driver.message_controller
        controller._col = _DiesBeforeInsert(controller._col)
        post = self.post_items
        self.assertRaises(_PosterDied, post, name, [item('lost', dedup_id)],
                          driver=driver)
        record = self.driver.collection(indexes.DEDUP).find_one(
            {'_id': indexes.dedup_key(self.project, name, dedup_id)})
        # It died holding the dedup_id, with no message stored.
        self.assertIsNotNone(record)
        self.assertEqual([], self.all_messages(name))
        return record['message']

    def test_retry_after_a_dead_poster_stores_its_message(self):
        name = self.make_queue()
        lost = self.dead_poster(name, 'k')
        # It waits out the dead poster's lease (not the 503 bound).
        [mid] = self.post_items(name, [item('retry', 'k')])
        self.assertNotEqual(lost, mid)
        self.assertEqual([(mid, 'retry')],
                         [(m.id, m.body) for m in self.all_messages(name)])
        # And the record is settled: the next retry answers without
        # waiting for a lease.
        started = time.monotonic()
        self.assertEqual([mid], self.post_items(name, [item('x', 'k')]))
        self.assertLess(time.monotonic() - started, 1.5)

    def test_concurrent_retries_after_a_dead_poster_store_one(self):
        name = self.make_queue()
        self.dead_poster(name, 'k')
        answers = self.post_at_once(name, 2, 'k')
        self.assertEqual(answers[0], answers[1])
        self.assertEqual(answers[0], self.listed_ids(name))

    def stored_by_dead_poster(self, name, dedup_id):
        """Post until the message is stored, then die before the dedup
        record is marked done; the stored id."""
        controller = self.new_driver().message_controller

        def die(remembered):
            raise _PosterDied()

        controller._settle = die
        self.assertRaises(_PosterDied, self.post_items, name,
                          [item('stored', dedup_id)],
                          driver=controller._driver)
        [stored] = self.listed_ids(name)
        return stored

    def test_pending_records_are_exported_once_their_message_is_stored(self):
        # What a pool move carries: never a dedup_id whose message a dead
        # poster did not store (a retry on the other pool must store it).
        lost_name, stored_name = self.make_queue(), self.make_queue()
        self.dead_poster(lost_name, 'k')
        stored = self.stored_by_dead_poster(stored_name, 'k')
        transfer = self.driver.transfer_controller
        self.assertEqual([], transfer.export_dedup(lost_name,
                                                   project=self.project))
        self.assertEqual([('k', stored)], [
            (d.dedup_id, d.message_id) for d in transfer.export_dedup(
                stored_name, project=self.project, dedup_ids=['k'])])

    def test_retry_settles_for_a_poster_that_died_after_its_insert(self):
        # The retry answers that message, once.
        name = self.make_queue()
        stored = self.stored_by_dead_poster(name, 'k')
        self.assertEqual([stored], self.post_items(name, [item('b', 'k')]))
        self.assertEqual([stored], self.listed_ids(name))

    def test_consumed_message_of_a_dead_poster_still_deduplicates(self):
        # Deleted (three ways) before its poster's lease ran out: the
        # retry must still answer the consumed message, not store another.
        consumers = {
            'delete': lambda name, mid: self.messages.delete(
                name, mid, project=self.project),
            'bulk_delete': lambda name, mid: self.messages.bulk_delete(
                name, [mid], project=self.project),
            'pop': lambda name, mid: self.assertEqual(
                [mid], [m.id for m in self.messages.pop(
                    name, 10, project=self.project)]),
        }
        for how, consume in consumers.items():
            name = self.make_queue()
            stored = self.stored_by_dead_poster(name, 'k')
            consume(name, stored)
            self.assertEqual([stored],
                             self.post_items(name, [item('b', 'k')]), how)
            self.assertEqual([], self.listed_ids(name), how)

    def test_poster_stalled_past_its_lease_gives_way(self):
        # A holds the dedup_id, then stalls before its insert; B takes the
        # record over and stores. A's insert lands late: A must fail and
        # take its message back, and a retry answers B's message.
        name = self.make_queue()
        resume = threading.Event()
        outcome: list = []

        class Stalls(_DiesBeforeInsert):
            def insert_many(self, *args, **kwargs):
                resume.wait(timeout=60)
                return self._collection.insert_many(*args, **kwargs)

        stalled = self.new_driver()
        stalled.message_controller._col = Stalls(
            stalled.message_controller._col)

        def poster_a():
            try:
                outcome.append(self.post_items(
                    name, [item('a', 'k')], driver=stalled))
            except BaseException as exc:  # noqa: BLE001 - checked below
                outcome.append(exc)

        thread = threading.Thread(target=poster_a, daemon=True)
        thread.start()
        dedup = self.driver.collection(indexes.DEDUP)
        key = indexes.dedup_key(self.project, name, 'k')
        deadline = time.monotonic() + 30
        while dedup.find_one({'_id': key}) is None:
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.05)
        [b] = self.post_items(name, [item('b', 'k')], driver=self.new_driver())
        resume.set()
        thread.join(timeout=60)
        [a_outcome] = outcome
        self.assertIsInstance(a_outcome, errors.StorageUnavailable)
        self.assertEqual([(b, 'b')],
                         [(m.id, m.body) for m in self.all_messages(name)])
        self.assertEqual([b], self.post_items(name, [item('c', 'k')]))

    def test_failed_post_frees_its_dedup_id(self):
        # A post that fails and lives takes its record back: the retry
        # does not wait for a lease.
        name = self.make_queue()
        driver = self.new_driver()
        controller = driver.message_controller

        class Refusing(_DiesBeforeInsert):
            def insert_many(self, *args, **kwargs):
                raise mongo_errors.OperationFailure('refused')

        controller._col = Refusing(controller._col)
        self.assertRaises(errors.StorageUnavailable, self.post_items, name,
                          [item('a', 'k')], driver=driver)
        self.assertIsNone(self.driver.collection(indexes.DEDUP).find_one(
            {'_id': indexes.dedup_key(self.project, name, 'k')}))
        started = time.monotonic()
        [mid] = self.post_items(name, [item('b', 'k')])
        self.assertLess(time.monotonic() - started, 1.5)
        self.assertEqual([mid], self.listed_ids(name))


base.for_each_backend(globals(), DedupContract)
base.for_each_backend(globals(), MongoDBDedupFaults, names=['mongodb'])
