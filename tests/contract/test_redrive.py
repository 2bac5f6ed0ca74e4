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

"""Contract: the storage side of dead-letter redrive on every driver.

Tasks are kept through the storage contract (``zaqar.api.redrive_tasks``),
so these run the task record, its lease and the exactly-once move against
each real backend and the pooling router, crashes simulated by stopping a
move between its steps.
"""

from __future__ import annotations

import dataclasses
import threading
import time

from tests.contract import base
from zaqar.api import redrive_tasks as tasks
from zaqar.api import redrive_worker
from zaqar.storage import transfer


class _Tasks:
    """Helpers: tasks made and cleaned up in the test's project."""

    def setUp(self):
        super().setUp()
        self.store = tasks.TaskStore(self.driver)
        self.transfer = self.driver.transfer_controller

    def new_task(self, queue: str, destination: str, **kwargs) -> tasks.Task:
        task = tasks.new_task(self.project, queue, destination,
                              kwargs.get('max_messages'), kwargs.get('rate'))
        self.assertTrue(self.store.create(task))
        self.addCleanup(self._forget, task)
        return task

    def _forget(self, task: tasks.Task) -> None:
        self.store.remove(task.id)
        self.queues.delete(tasks.marker(task.project, task.queue),
                           project=tasks.ACTIVE_PROJECT)

    def run_task(self, task: tasks.Task) -> str | None:
        lease = self.store.lease(task.id)
        self.assertIsNotNone(lease)
        return redrive_worker.run(self.store, self.driver, task.id, lease)

    def copies(self, task: tasks.Task, ids: list[str]) -> list[str]:
        return [tasks.copy_id(task.id, i) for i in ids]

    def ids_in(self, queue: str) -> list[str]:
        return [r.id for r in self.transfer.export_tail(
            queue, project=self.project, limit=1000)]



class RedriveContract(_Tasks):

    # -- insert if absent ------------------------------------------------

    def test_importing_the_same_message_twice_keeps_one_copy(self):
        source, target = self.make_queue(), self.make_queue()
        self.post(source, 3)
        task_id = tasks.new_task(self.project, source, target, None, None).id
        records = [dataclasses.replace(r, id=tasks.copy_id(task_id, r.id))
                   for r in self.transfer.export_tail(
                       source, project=self.project, limit=10)]
        for _ in range(2):
            self.transfer.import_messages(target, records,
                                          project=self.project)
        self.assertEqual([r.id for r in records], self.ids_in(target))
        self.assertEqual(3, self.queues.stats(
            target, project=self.project).total)
        self.assertEqual(3, len(self.listed_ids(target)))

    # -- task records and the lease ----------------------------------------

    def test_a_task_is_stored_and_leased_by_one_runner_at_a_time(self):
        dlq, dest = self.make_queue(), self.make_queue()
        task = self.new_task(dlq, dest, max_messages=5, rate=2.5)
        loaded = self.store.load(task.id)
        self.assertEqual((self.project, dlq, dest, 5, 2.5, tasks.PENDING),
                         (loaded.project, loaded.queue, loaded.destination,
                          loaded.max_messages, loaded.rate, loaded.state))
        lease = self.store.lease(task.id)
        self.assertIsNotNone(lease)
        other = tasks.TaskStore(self.new_driver())
        self.assertIsNone(other.lease(task.id))
        self.assertTrue(self.store.renew(task.id, lease))
        self.store.release(task.id, lease)
        self.assertIsNotNone(other.lease(task.id))
        self.assertFalse(self.store.renew(task.id, lease))

    def test_one_unfinished_task_per_queue(self):
        dlq, dest = self.make_queue(), self.make_queue()
        first = self.new_task(dlq, dest)
        second = tasks.new_task(self.project, dlq, dest, None, None)
        self.assertFalse(self.store.create(second))
        self.assertIsNone(self.store.load(second.id))
        self.store.finish(first, tasks.DONE, 0)
        self.new_task(dlq, dest)

    def test_unfinished_tasks_are_indexed_by_their_markers(self):
        dlq, dest = self.make_queue(), self.make_queue()
        task = self.new_task(dlq, dest)
        self.assertIn(task.id, [t.id for t in self.store.unfinished()])
        self.store.finish(task, tasks.DONE, 0)
        self.assertNotIn(task.id, [t.id for t in self.store.unfinished()])
        self.assertEqual(tasks.DONE, self.store.load(task.id).state)
        # A marker whose task was never stored goes once it is stale.
        key = tasks.marker(self.project, dlq)
        self.queues.create(key, project=tasks.ACTIVE_PROJECT,
                           metadata={'task': 'f' * 32, 'at': time.time()})
        list(self.store.unfinished())
        self.assertTrue(self.queues.exists(key, project=tasks.ACTIVE_PROJECT))
        self.queues.set_metadata(key, {'task': 'f' * 32, 'at': 0},
                                 project=tasks.ACTIVE_PROJECT)
        list(self.store.unfinished())
        self.assertFalse(self.queues.exists(key,
                                            project=tasks.ACTIVE_PROJECT))

    def test_the_sweep_removes_long_finished_tasks(self):
        dlq, dest = self.make_queue(), self.make_queue()
        old, recent = self.new_task(dlq, dest), None
        self.store.finish(old, tasks.DONE, 0)
        recent = self.new_task(dlq, dest)
        self.store.finish(recent, tasks.CANCELLED, 0)
        old.finished = time.time() - tasks.RETENTION - 1
        self.store.save(old)
        redrive_worker.Runner(self.driver).sweep()
        self.assertIsNone(self.store.load(old.id))
        self.assertIsNotNone(self.store.load(recent.id))

    def test_the_sweep_keeps_tasks_for_the_configured_retention(self):
        dlq, dest = self.make_queue(), self.make_queue()
        kept, gone = self.new_task(dlq, dest), None
        self.store.finish(kept, tasks.DONE, 0)
        gone = self.new_task(dlq, dest)
        self.store.finish(gone, tasks.DONE, 0)
        kept.finished, gone.finished = time.time() - 60, time.time() - 121
        self.store.save(kept)
        self.store.save(gone)
        redrive_worker.Runner(self.driver, redrive_worker.Settings(
            task_retention=120)).sweep()
        self.assertIsNotNone(self.store.load(kept.id))
        self.assertIsNone(self.store.load(gone.id))

    def test_a_batch_moves_at_most_the_configured_batch_size(self):
        dlq, dest = self.make_queue(), self.make_queue()
        self.post(dlq, 7)
        task = self.new_task(dlq, dest)
        moved = []
        for _ in range(3):
            state, now = redrive_worker._step(self.store, self.driver,
                                              self.store.load(task.id), 3)
            moved.append(now)
        self.assertEqual(([3, 3, 1], None), (moved, state))
        self.assertEqual(7, len(self.listed_ids(dest)))

    def test_tasks_are_not_queues_of_any_client_project(self):
        dlq, dest = self.make_queue(), self.make_queue()
        task = self.new_task(dlq, dest)
        self.assertEqual(sorted([dlq, dest]),
                         [q.name for q in self.all_queues(self.project)])
        self.assertIn(task.id, [t.id for t in self.store.all()])

    # -- the move ----------------------------------------------------------

    def test_run_moves_every_unclaimed_message_exactly_once(self):
        dlq, dest = self.make_queue(), self.make_queue()
        ids = self.post(dlq, 7)
        claim_id, claimed = self.claim(dlq, limit=1)
        waiting = self.post(dest, 1, bodies=['waiting'])
        task = self.new_task(dlq, dest)
        self.assertEqual(tasks.DONE, self.run_task(task))
        done = self.store.load(task.id)
        self.assertEqual((tasks.DONE, 6, 0), (done.state, done.moved,
                                              done.remaining))
        self.assertEqual([claimed[0].id], self.ids_in(dlq))
        # Dead-letter order, ahead of what the destination held.
        expected = self.copies(task, ids[1:]) + waiting
        self.assertEqual(expected, self.ids_in(dest))
        self.assertEqual(expected, self.listed_ids(dest))
        moved = self.transfer.fetch(dest, expected[:-1],
                                    project=self.project)
        self.assertEqual(6, len(moved))
        self.assertEqual({0}, {r.claim_count for r in moved})
        self.assertTrue(all(r.delay_until <= time.time() for r in moved))

    def test_groups_and_dedup_ids_move_with_the_messages(self):
        dlq, dest = self.make_queue(), self.make_queue()
        [first] = self.messages.post(dlq, [{
            'body': 'g', 'ttl': base.TTL, 'delay': 0, 'group': 'g1',
            'dedup_id': 'd1', 'dedup_window': 300}], project=self.project,
            client_uuid=self.client_uuid)
        task = self.new_task(dlq, dest)
        self.assertEqual(tasks.DONE, self.run_task(task))
        [copy] = self.transfer.fetch(dest, self.copies(task, [first]),
                                     project=self.project)
        self.assertEqual(('g1', 'd1'), (copy.group, copy.dedup_id))
        claim_id, claimed = self.claim(dest)
        self.assertEqual(self.copies(task, [first]), [m.id for m in claimed])

    def test_delayed_messages_stay(self):
        dlq, dest = self.make_queue(), self.make_queue()
        ids = self.post(dlq, 2)
        delayed = self.post(dlq, 1, delay=100)
        task = self.new_task(dlq, dest)
        self.assertEqual(tasks.DONE, self.run_task(task))
        self.assertEqual(delayed, self.ids_in(dlq))
        self.assertEqual(self.copies(task, ids), self.ids_in(dest))

    def test_max_messages_caps_the_move(self):
        dlq, dest = self.make_queue(), self.make_queue()
        ids = self.post(dlq, 5)
        task = self.new_task(dlq, dest, max_messages=2)
        self.assertEqual(tasks.DONE, self.run_task(task))
        self.assertEqual(ids[:3], self.ids_in(dlq))
        self.assertEqual(self.copies(task, ids[3:]), self.ids_in(dest))
        self.assertEqual(2, self.store.load(task.id).moved)

    def test_cancel_stops_before_the_next_batch(self):
        dlq, dest = self.make_queue(), self.make_queue()
        self.post(dlq, 3)
        task = self.new_task(dlq, dest)
        self.store.request_cancel(task)
        self.assertTrue(self.store.cancel_requested(task.id))
        self.assertEqual(tasks.CANCELLED, self.run_task(task))
        stored = self.store.load(task.id)
        self.assertEqual((tasks.CANCELLED, 0, 3),
                         (stored.state, stored.moved, stored.remaining))
        self.assertEqual(3, len(self.ids_in(dlq)))

    def test_rate_throttles_the_batches(self):
        dlq, dest = self.make_queue(), self.make_queue()
        self.post(dlq, 4)
        task = self.new_task(dlq, dest, rate=4)
        started = time.monotonic()
        lease = self.store.lease(task.id)
        stop = threading.Event()
        runner = threading.Thread(target=redrive_worker.run, args=(
            self.store, self.driver, task.id, lease, stop))
        runner.start()
        self.addCleanup(stop.set)
        runner.join(30)
        self.assertEqual(4, len(self.ids_in(dest)))
        # One batch of four, then a second's wait before finding nothing.
        self.assertGreaterEqual(time.monotonic() - started, 0.9)

    # -- crashes -----------------------------------------------------------

    def _held_copies(self, task: tasks.Task,
                     records: list[transfer.MessageRecord]) -> None:
        """Steps 1-2 of a move, then a crash."""
        task.inflight = {r.id: [tasks.copy_id(task.id, r.id), r.delay_until]
                         for r in records}
        self.store.save(task)
        until = time.time() + tasks.HOLD
        self.transfer.import_messages(task.destination, [
            transfer.held(dataclasses.replace(
                r, id=task.inflight[r.id][0], claim_count=0), until)
            for r in records], project=self.project)

    def test_resume_after_a_crash_before_the_source_was_removed(self):
        dlq, dest = self.make_queue(), self.make_queue()
        ids = self.post(dlq, 4)
        task = self.new_task(dlq, dest)
        self._held_copies(task, tasks.pick(self.driver, task, 2))
        # Held copies are invisible to consumers meanwhile.
        self.assertEqual([], self.listed_ids(dest))
        self.assertEqual((None, []), self.claim(dest))
        self.assertEqual(tasks.DONE, self.run_task(task))
        self.assertEqual(self.copies(task, ids), self.ids_in(dest))
        self.assertEqual([], self.ids_in(dlq))
        self.assertEqual(4, self.store.load(task.id).moved)

    def test_resume_after_a_crash_after_the_source_was_removed(self):
        dlq, dest = self.make_queue(), self.make_queue()
        ids = self.post(dlq, 3)
        task = self.new_task(dlq, dest)
        records = tasks.pick(self.driver, task, 3)
        self._held_copies(task, records)
        self.assertEqual([], self.transfer.remove_unchanged(
            dlq, records, project=self.project))
        self.assertEqual(tasks.DONE, self.run_task(task))
        self.assertEqual(self.copies(task, ids), self.ids_in(dest))
        self.assertEqual(self.copies(task, ids), self.listed_ids(dest))
        self.assertEqual(3, self.store.load(task.id).moved)

    def test_a_message_claimed_during_the_move_stays_in_the_source(self):
        dlq, dest = self.make_queue(), self.make_queue()
        ids = self.post(dlq, 2)
        task = self.new_task(dlq, dest)
        self._held_copies(task, tasks.pick(self.driver, task, 2))
        claim_id, claimed = self.claim(dlq, limit=1)
        self.assertEqual(1, tasks.reconcile(self.driver, task))
        self.assertEqual([ids[0]], self.ids_in(dlq))
        self.assertEqual(self.copies(task, ids[1:]), self.ids_in(dest))
        self.assertEqual(self.copies(task, ids[1:]), self.listed_ids(dest))


base.for_each_backend(globals(), RedriveContract)


class PooledRedriveContract(_Tasks):

    def test_source_and_destination_on_different_pools(self):
        catalogue = self.driver.store.catalogue_controller
        dlq = self.make_queue()
        dest = None
        for _ in range(40):
            name = self.make_queue()
            if (catalogue.get(self.project, name)
                    != catalogue.get(self.project, dlq)):
                dest = name
                break
        self.assertIsNotNone(dest)
        ids = self.post(dlq, 5)
        task = self.new_task(dlq, dest)
        self.assertEqual(tasks.DONE, self.run_task(task))
        self.assertEqual(self.copies(task, ids), self.ids_in(dest))
        self.assertEqual([], self.ids_in(dlq))


base.for_each_backend(globals(), PooledRedriveContract, names=('pooled',))
