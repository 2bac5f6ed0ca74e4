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

"""Moving a queue to another pool while it is in use (``pool move-queue``).

The protocol, in the order the mover runs it:

1. **Copy the queue record, subscriptions and dedup records** to the
   destination (metadata as is; each subscription re-created with its
   remaining ttl, confirmation, signing secret and trust, its id changes;
   each remembered ``dedup_id`` with its message id and expiry). While the
   move is on, a post carrying a ``dedup_id`` brings the source's record
   of it over first (``moving``), and the records are copied again after
   each drain, so a retried post is never stored twice.
2. **Mark the move** in the catalogue (``Catalog.begin_move``): the queue
   is placed on the destination and a second entry names the source. From
   then on posts go to the destination; reads, claims and deletes see
   "source, then destination" (``moving``).
3. **Wait** ``cache_ttl`` plus a margin, so that every API process has
   dropped its cached placement and routes as in 2. (Until then a process
   may still post to the source; those messages are moved like the rest.)
4. **Drain the source from its tail**, a batch at a time:
   a. export the batch (bodies, expiry, delay, claim state) and the claims
      holding it; import the claims, then the messages *held* (delayed
      for ``hold`` seconds) before the destination's first message;
   b. delete from the source each message whose state did not change
      since the export (compare-and-delete);
   c. release the copies of the deleted ones (their own delay back);
   d. re-export the ones that changed (claimed, renewed, deleted by a
      consumer meanwhile) and go to a. with them; gone ones are deleted
      from the destination.
   The tail goes first so that at every step the source holds a prefix of
   the queue and the destination the rest: FIFO order holds throughout
   and after. A held copy cannot be claimed or popped, so no message is
   handed out twice; a copy left held by a crash shows up by itself when
   ``hold`` runs out.
5. **Wait** again (a straggling process may still have believed the queue
   unmoved), drain once more, let the source's outbox settle, delete the
   queue from the source, and **end the move** in the catalogue.

Every step can be repeated: run the command again after an interruption
and it resumes where the catalogue says the move is. Message and claim ids
are kept (``zaqar.storage.transfer``), so a consumer's claim is honoured
on the destination. Not supported: queues that dead-letter or serve as a
dead-letter queue (both must share a pool; move them by hand together).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

from zaqar.storage import base, errors, scope, transfer
from zaqar.storage.pooling import catalog as catalog_mod
from zaqar.storage.pooling import router as router_mod

# Messages per export batch.
BATCH = 100
# Seconds a copy stays held if the mover dies before releasing it.
HOLD = 30.0
# Seconds to wait for the source's notifications to settle at the end.
OUTBOX_WAIT = 30.0
# Rounds of compare-and-delete on one batch before giving up for now.
MAX_ROUNDS = 50


class MoveRefused(errors.StorageError):
    """The queue cannot be moved as asked (nothing was changed)."""


@dataclasses.dataclass
class MoveReport:
    """What a run did."""

    source: str | None = None
    target: str | None = None
    moved: int = 0
    subscriptions: int = 0
    already_there: bool = False


class Mover:
    """Moves queues of a pooled driver; one instance per command run.

    :param settle: seconds every API process needs to see a catalogue
        change (their ``cache_ttl`` plus a margin).
    :param say: progress lines go here.
    """

    def __init__(self, router: router_mod.DataDriver, *, settle: float,
                 batch: int = BATCH, hold: float = HOLD,
                 outbox_wait: float = OUTBOX_WAIT,
                 say: Callable[[str], None] = lambda line: None,
                 sleep: Callable[[float], None] = time.sleep):
        self.router = router
        self.catalog: catalog_mod.Catalog = router.catalog
        self.settle = settle
        self.batch = batch
        self.hold = hold
        self.outbox_wait = outbox_wait
        self.say = say
        self.sleep = sleep

    def move(self, project: str, queue: str, target: str) -> MoveReport:
        """Move (or finish moving) ``queue`` of ``project`` to ``target``.

        :raises MoveRefused: unknown target, unplaced queue, another move
            of it in progress, dead-letter queues involved.
        """
        if target not in self.catalog.pools(fresh=True):
            raise MoveRefused(f'Pool {target} is not registered.')
        report = MoveReport(target=target)
        pool, source = self.catalog.fresh_route(project, queue)
        if pool is None:
            if self.catalog.fresh_route(catalog_mod.entry_project(
                    project, scope.TOPIC), queue)[0] is not None:
                raise MoveRefused(
                    f'{queue} is a topic: topics are not moved between '
                    f'pools (they keep no messages; delete and recreate '
                    f'it to place it again).')
            raise MoveRefused(f'Queue {queue} is not placed on any pool.')
        if source is None:
            if pool == target:
                # Also clears what a run stopped right after marking left.
                self.catalog.end_move(project, queue)
                report.source, report.already_there = pool, True
                return report
            source = pool
            self._refuse_dead_letters(project, queue, source)
            report.subscriptions = self._copy_queue(project, queue, source,
                                                    target)
            self.catalog.begin_move(project, queue, source, target)
            self.say(f'Queue {queue}: posts now go to pool {target}.')
        elif pool != target:
            raise MoveRefused(
                f'Queue {queue} is being moved from pool {source} to pool '
                f'{pool}; finish that move first (--to {pool}).')
        report.source = source
        src = self.catalog.driver(source)
        dst = self.catalog.driver(target)
        self._wait('every API process routes posts to the destination')
        report.subscriptions += self._copy_queue(project, queue, source,
                                                 target)
        report.moved += self._drain(src, dst, project, queue)
        self._wait('no API process still sees the queue unmoved')
        report.moved += self._drain(src, dst, project, queue)
        # Posts a process made to the source before it saw the move.
        self._copy_dedup(src, dst, project, queue)
        self._settle_outbox(src, project, queue)
        src.queue_controller.delete(queue, project=project)
        self.catalog.end_move(project, queue)
        self.say(f'Queue {queue}: moved {report.moved} messages from pool '
                 f'{source} to pool {target}.')
        return report

    # -- steps ----------------------------------------------------------

    def _wait(self, why: str) -> None:
        if self.settle > 0:
            self.say(f'Waiting {self.settle:g} s until {why}.')
            self.sleep(self.settle)

    def _refuse_dead_letters(self, project: str, queue: str,
                             source: str) -> None:
        queues = self.catalog.driver(source).queue_controller
        try:
            metadata = queues.get_metadata(queue, project=project)
        except errors.QueueDoesNotExist:
            return
        if metadata.get('_dead_letter_queue'):
            raise MoveRefused(
                f'Queue {queue} dead-letters to queue '
                f'{metadata["_dead_letter_queue"]}; queues that dead-letter '
                f'cannot be moved (both must share a pool).')

    def _copy_queue(self, project: str, queue: str, source: str,
                    target: str) -> int:
        """Queue record and subscriptions onto the destination; returns
        how many subscriptions were created there."""
        src = self.catalog.driver(source)
        dst = self.catalog.driver(target)
        try:
            metadata = src.queue_controller.get_metadata(queue,
                                                         project=project)
        except errors.QueueDoesNotExist:
            metadata = None
        if metadata is not None and not dst.queue_controller.create(
                queue, project=project, metadata=metadata):
            dst.queue_controller.set_metadata(queue, metadata,
                                              project=project)
        self._copy_dedup(src, dst, project, queue)
        return self._copy_subscriptions(src, dst, project, queue)

    @staticmethod
    def _copy_dedup(src: base.DataDriver, dst: base.DataDriver,
                    project: str, queue: str) -> None:
        remembered = src.transfer_controller.export_dedup(queue,
                                                          project=project)
        if remembered:
            dst.transfer_controller.import_dedup(queue, remembered,
                                                 project=project)

    def _copy_subscriptions(self, src: base.DataDriver, dst: base.DataDriver,
                            project: str, queue: str) -> int:
        created = 0
        marker = None
        while True:
            page, marker = src.subscription_controller.list(
                queue, project=project, marker=marker, limit=100)
            for sub in page:
                if dst.subscription_controller.get_with_subscriber(
                        queue, sub.subscriber, project=project) is not None:
                    continue
                ttl = max(1, sub.ttl - sub.age)
                try:
                    new_id = dst.subscription_controller.create(
                        queue, sub.subscriber, ttl, sub.options,
                        project=project)
                except errors.SubscriptionAlreadyExists:
                    continue
                created += 1
                if sub.confirmed:
                    dst.subscription_controller.confirm(
                        queue, new_id, True, project=project)
                state = src.delivery_controller.state(queue, sub.id,
                                                      project=project)
                if state.secret is not None:
                    dst.delivery_controller.set_secret(
                        queue, new_id, state.secret, project=project)
                if state.trust_id is not None:
                    dst.delivery_controller.set_trust(
                        queue, new_id, state.trust_id, project=project)
            if not page or marker is None:
                return created

    def _drain(self, src: base.DataDriver, dst: base.DataDriver,
               project: str, queue: str) -> int:
        """Move every message of the source, tail first."""
        moved = 0
        while True:
            batch = src.transfer_controller.export_tail(
                queue, project=project, limit=self.batch)
            if not batch:
                return moved
            moved += self._move_batch(src, dst, project, queue, batch)
            self.say(f'Queue {queue}: {moved} messages moved.')

    def _move_batch(self, src: base.DataDriver, dst: base.DataDriver,
                    project: str, queue: str,
                    pending: list[transfer.MessageRecord]) -> int:
        source, target = src.transfer_controller, dst.transfer_controller
        moved = 0
        for _ in range(MAX_ROUNDS):
            claims = {r.claim_id for r in pending if r.claim_id}
            if claims:
                target.import_claims(queue, [
                    c for c in source.export_claims(queue, project=project)
                    if c.id in claims], project=project)
            until = time.time() + self.hold
            target.import_messages(
                queue, [transfer.held(r, until) for r in pending],
                project=project)
            kept = set(source.remove_unchanged(queue, pending,
                                               project=project))
            target.release(queue, [r for r in pending if r.id not in kept],
                           project=project)
            moved += len(pending) - len(kept)
            if not kept:
                return moved
            pending = source.fetch(queue, kept, project=project)
            gone = kept - {r.id for r in pending}
            if gone:
                # Consumed from the source meanwhile: drop the copies.
                dst.message_controller.bulk_delete(queue, sorted(gone),
                                                   project=project)
            if not pending:
                return moved
        raise errors.StorageUnavailable(
            f'Queue {queue}: messages kept changing; run the move again.')

    def _settle_outbox(self, src: base.DataDriver, project: str,
                       queue: str) -> None:
        deadline = time.monotonic() + self.outbox_wait
        while src.delivery_controller.pending(queue, project=project):
            if time.monotonic() >= deadline:
                self.say(f'Queue {queue}: notifications still pending on '
                         f'the source are dropped with it.')
                return
            self.sleep(0.5)
