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

"""Redrive tasks: their durable record, and the exactly-once batch move.

Where a task lives. A task is stored in the *message store*, through the
storage contract only, so every driver and the pooling router keep tasks
without any code of their own: each task is a queue named by the task id
in the internal storage project ``TASKS_PROJECT`` (a project no client can
name: ``zaqar.api.validation`` refuses control characters in project ids,
as it does for the topic scope of ``zaqar.storage.scope``). The task's
fields are that queue's metadata; the queue holds one *token* message.

The lease is a claim on the token: ``ClaimController.create`` is atomic
on every driver, so of several API processes exactly one holds the token
at a time. The runner renews the claim (``update``) before each batch and
between throttled batches; a runner that dies stops renewing, the claim
runs out, and another process's runner claims the token and resumes.

Cancelling posts a second message (``CANCEL_MARK``) to the task's queue
rather than rewriting the metadata, so a cancel never races the runner's
progress writes; the runner sees it before its next batch.

One unfinished task per dead-letter queue: a *marker* queue (``marker``,
in the internal project ``ACTIVE_PROJECT``) is created atomically
(``QueueController.create`` returns False when it exists) and removed
when the task ends; two tasks draining one queue could not tell their own
moves from each other's. The markers are also the index of unfinished
tasks the runners scan every second, so that scan costs what the
unfinished tasks cost, however many finished ones are kept.

The move (``move_batch``) is exactly once across crashes:

1. the batch's ids, each with the id of its copy and its own delay, are
   written to the task as ``inflight``;
2. the records are imported into the destination under their copy ids,
   *held* (hidden from list, claim and pop for ``HOLD`` seconds) and with
   their claim count reset; importing an id the destination holds only
   updates it, so a repeated import never duplicates
   (tests/contract/test_redrive.py);
3. ``reconcile`` then settles each in-flight id: still in the source and
   unchanged -> removed there and released in the destination (moved);
   changed in the source (a consumer claimed it meanwhile) -> the held copy
   is removed from the destination (it stays where it is); gone from the
   source but held in the destination -> a previous run removed it before
   crashing: released (moved).

A runner that resumes after a crash runs ``reconcile`` on the recorded
``inflight`` ids first, so no message is lost or duplicated, and each is
counted once.

A moved message gets a new id (``copy_id``): SQL and MongoDB stores keep a
message id unique across all the queues of a store, so the copy cannot
share the id of its source while both exist. The new id is a UUID derived
from the task and the old id, so every attempt at one copy names the same
message.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
import uuid
from typing import Any

from zaqar.storage import errors as storage_errors
from zaqar.storage import transfer

# The storage project holding every task (see the module docstring).
TASKS_PROJECT = '\x1eredrive'
# The storage project of the markers of unfinished tasks.
ACTIVE_PROJECT = '\x1eredrive-active'
# Seconds after which a marker naming no stored task is dropped (a
# creation that failed half-way; a creation in progress is far quicker).
STALE_MARKER = 60
# Lifetime of a task's token message, raised by every lease renewal.
TOKEN_TTL = 1209600
# Body of the message that asks a task to stop.
CANCEL_MARK = {'redrive': 'cancel'}
TOKEN = {'redrive': 'token'}
# Seconds a copy stays hidden in the destination until its source is
# removed; far longer than one batch takes, short enough that a copy left
# held by a crash shows up by itself even if no runner resumes the task.
HOLD = 300
# Seconds a runner's lease lasts without renewal.
LEASE = 15
# Seconds a finished task stays readable (GET) before it is removed.
RETENTION = 3 * 86400
# Client id the internal token and cancel messages are posted with.
CLIENT = '00000000-0000-4000-8000-000000000000'

PENDING, RUNNING, DONE, CANCELLED, FAILED = (
    'pending', 'running', 'done', 'cancelled', 'failed')
TERMINAL = frozenset((DONE, CANCELLED, FAILED))


@dataclasses.dataclass
class Task:
    """A task's record (the metadata of its queue)."""

    id: str
    project: str
    queue: str
    destination: str
    max_messages: int | None
    rate: float | None
    state: str = PENDING
    moved: int = 0
    failures: int = 0
    created: float = 0.0
    updated: float = 0.0
    finished: float | None = None
    last_error: str | None = None
    # Remaining count frozen when the task ended.
    remaining: int | None = None
    # id -> [its copy's id, its own delay_until], for the batch being moved.
    inflight: dict = dataclasses.field(default_factory=dict)

    def to_metadata(self) -> dict:
        doc = dataclasses.asdict(self)
        del doc['id']
        return doc

    @classmethod
    def from_metadata(cls, task_id: str, doc: dict) -> Task:
        fields = {f.name for f in dataclasses.fields(cls)}
        return cls(id=task_id, **{k: v for k, v in doc.items()
                                  if k in fields})

    @property
    def cap_left(self) -> int | None:
        if self.max_messages is None:
            return None
        return max(0, self.max_messages - self.moved)


def copy_id(task_id: str, message_id: str) -> str:
    """The id a message gets in the destination (the same every time)."""
    return str(uuid.uuid5(uuid.UUID(task_id), message_id))


def marker(project: str, queue: str) -> str:
    """The internal queue whose existence marks an unfinished task."""
    digest = hashlib.sha256(f'{project}\n{queue}'.encode()).hexdigest()
    return 'active-' + digest[:48]


class TaskStore:
    """Task records kept in a data driver (the Service's storage)."""

    def __init__(self, storage):
        self.queues = storage.queue_controller
        self.messages = storage.message_controller
        self.claims = storage.claim_controller

    # -- Records ---------------------------------------------------------

    def create(self, task: Task) -> bool:
        """Store a new task; False when the queue already has an
        unfinished one (nothing stored then)."""
        key = marker(task.project, task.queue)
        mark = {'task': task.id, 'at': time.time()}
        if not self.queues.create(key, project=ACTIVE_PROJECT,
                                  metadata=mark):
            current = self._marked(key)
            if current is not None and current.state not in TERMINAL:
                return False
            # A marker left by a runner that stopped before removing it.
            self.queues.set_metadata(key, mark, project=ACTIVE_PROJECT)
        try:
            self.queues.create(task.id, project=TASKS_PROJECT,
                               metadata=task.to_metadata())
            self.messages.post(task.id, [{'body': TOKEN, 'ttl': TOKEN_TTL,
                                          'delay': 0}],
                               project=TASKS_PROJECT, client_uuid=CLIENT)
        except Exception:
            self.queues.delete(task.id, project=TASKS_PROJECT)
            self.queues.delete(key, project=ACTIVE_PROJECT)
            raise
        return True

    def _marked(self, key: str) -> Task | None:
        try:
            task_id = self.queues.get_metadata(
                key, project=ACTIVE_PROJECT).get('task')
        except storage_errors.QueueDoesNotExist:
            return None
        return self.load(task_id) if isinstance(task_id, str) else None

    def load(self, task_id: str) -> Task | None:
        try:
            doc = self.queues.get_metadata(task_id, project=TASKS_PROJECT)
        except storage_errors.QueueDoesNotExist:
            return None
        if 'project' not in doc:
            return None
        return Task.from_metadata(task_id, doc)

    def save(self, task: Task) -> None:
        task.updated = time.time()
        self.queues.set_metadata(task.id, task.to_metadata(),
                                 project=TASKS_PROJECT)

    def finish(self, task: Task, state: str, remaining: int,
               error: str | None = None) -> None:
        task.state = state
        task.finished = time.time()
        task.remaining = remaining
        if error is not None:
            task.last_error = error
        self.save(task)
        key = marker(task.project, task.queue)
        current = self._marked(key)
        if current is None or current.id == task.id:
            self.queues.delete(key, project=ACTIVE_PROJECT)

    def remove(self, task_id: str) -> None:
        self.queues.delete(task_id, project=TASKS_PROJECT)

    def all(self):
        """Every stored task, page by page (the retention sweep)."""
        for queue in _pages(self.queues, TASKS_PROJECT):
            doc = queue.metadata or {}
            if 'project' in doc:
                yield Task.from_metadata(queue.name, doc)

    def unfinished(self):
        """The tasks the markers name (the runner's scan); markers of
        finished or long-missing tasks are dropped on the way."""
        now = time.time()
        for queue in _pages(self.queues, ACTIVE_PROJECT):
            mark = queue.metadata or {}
            task_id = mark.get('task')
            task = self.load(task_id) if isinstance(task_id, str) else None
            if task is not None and task.state not in TERMINAL:
                yield task
            elif task is not None or now - mark.get('at', 0) > STALE_MARKER:
                self.queues.delete(queue.name, project=ACTIVE_PROJECT)

    # -- Cancel and lease ------------------------------------------------

    def request_cancel(self, task: Task) -> None:
        self.messages.post(task.id, [{'body': CANCEL_MARK, 'ttl': TOKEN_TTL,
                                      'delay': 0}],
                           project=TASKS_PROJECT, client_uuid=CLIENT)

    def _holds(self, task_id: str, body) -> bool:
        """Whether the task's queue holds a message with ``body``."""
        page, _ = self.messages.list(task_id, project=TASKS_PROJECT,
                                     limit=10, echo=True,
                                     include_claimed=True,
                                     include_delayed=True)
        return any(m.body == body for m in page)

    def cancel_requested(self, task_id: str) -> bool:
        return self._holds(task_id, CANCEL_MARK)

    def has_token(self, task_id: str) -> bool:
        return self._holds(task_id, TOKEN)

    def lease(self, task_id: str) -> str | None:
        """Claim the task's token: the lease id, or None when another
        runner holds it."""
        claim_id, messages = self.claims.create(
            task_id, project=TASKS_PROJECT, ttl=LEASE, grace=0, limit=10)
        if claim_id is None:
            return None
        if not any(m.body == TOKEN for m in messages):
            # Only the cancel mark was free: give it back.
            self.claims.delete(task_id, claim_id, project=TASKS_PROJECT)
            return None
        return claim_id

    def renew(self, task_id: str, lease: str) -> bool:
        """Extend the lease; False when it was lost."""
        try:
            self.claims.update(task_id, lease, project=TASKS_PROJECT,
                               ttl=LEASE, grace=0)
        except storage_errors.ClaimDoesNotExist:
            return False
        return True

    def release(self, task_id: str, lease: str) -> None:
        self.claims.delete(task_id, lease, project=TASKS_PROJECT)


def _pages(queues, project: str):
    """Every queue of ``project`` with its metadata, page by page."""
    marker_name = None
    while True:
        page, marker_name = queues.list(project=project, marker=marker_name,
                                        limit=100, detailed=True)
        yield from page
        if len(page) < 100:
            return


def new_task(project: str, queue: str, destination: str,
             max_messages: int | None, rate: float | None) -> Task:
    now = time.time()
    return Task(id=uuid.uuid4().hex, project=project, queue=queue,
                destination=destination, max_messages=max_messages,
                rate=rate, created=now, updated=now)


# -- The move -----------------------------------------------------------

def pick(storage, task: Task, limit: int) -> list[transfer.MessageRecord]:
    """Up to ``limit`` claimable messages from the tail of the source,
    oldest first. Claimed and delayed messages are skipped (they stay):
    a held copy that another task is moving into this queue is delayed,
    so two tasks moving messages between the same queues in opposite
    directions never take each other's copies."""
    xfer = storage.transfer_controller
    window = limit
    while True:
        now = time.time()
        records = xfer.export_tail(task.queue, project=task.project,
                                   limit=window)
        free = [r for r in records
                if r.claim_id is None and r.delay_until <= now]
        if len(free) >= limit or len(records) < window or window >= 10000:
            return free[-limit:]
        window *= 4


def move_batch(store: TaskStore, storage, task: Task,
               records: list[transfer.MessageRecord]) -> int:
    """Move ``records`` (see the module docstring); return how many moved."""
    task.inflight = {r.id: [copy_id(task.id, r.id), r.delay_until]
                     for r in records}
    store.save(task)
    until = time.time() + HOLD
    copies = [transfer.held(dataclasses.replace(
        r, id=task.inflight[r.id][0], claim_id=None, claim_expires=None,
        claim_count=0), until) for r in records]
    storage.transfer_controller.import_messages(
        task.destination, copies, project=task.project)
    return reconcile(storage, task)


def reconcile(storage, task: Task) -> int:
    """Settle every in-flight id; return how many moved (and count them)."""
    if not task.inflight:
        return 0
    xfer = storage.transfer_controller
    ids = list(task.inflight)
    copy = {i: task.inflight[i][0] for i in ids}
    source = {r.id: r for r in xfer.fetch(task.queue, ids,
                                          project=task.project)}
    copies = {r.id: r for r in xfer.fetch(
        task.destination, list(copy.values()), project=task.project)}
    target = {i: copies[copy[i]] for i in ids if copy[i] in copies}
    # Copies still held whose source is unclaimed: remove the source.
    movable = [source[i] for i in ids
               if i in source and i in target and source[i].claim_id is None]
    kept = set(xfer.remove_unchanged(task.queue, movable,
                                     project=task.project))
    tried = {r.id for r in movable}
    moved = [i for i in ids if i in target
             and (i not in source or (i in tried and i not in kept))]
    stale = [target[i] for i in ids if i in target and i not in moved]
    if stale:
        xfer.remove_unchanged(task.destination, stale, project=task.project)
    if moved:
        xfer.release(task.destination, [
            dataclasses.replace(target[i], delay_until=task.inflight[i][1])
            for i in moved], project=task.project)
    task.moved += len(moved)
    task.inflight = {}
    return len(moved)


def remaining(storage, task: Task) -> int:
    """Messages the task would still move: the source's unclaimed ones,
    capped by what ``max_messages`` leaves."""
    if task.state in TERMINAL and task.remaining is not None:
        return task.remaining
    stats = storage.queue_controller.stats(task.queue, project=task.project)
    left = stats.free
    cap = task.cap_left
    return left if cap is None else min(left, cap)


def describe(task: Task, left: int) -> dict[str, Any]:
    """The task as GET shows it."""
    return {'id': task.id, 'queue': task.queue,
            'destination': task.destination, 'state': task.state,
            'moved': task.moved, 'remaining': left,
            'failures': task.failures, 'max_messages': task.max_messages,
            'rate': task.rate, 'last_error': task.last_error,
            'created': _iso(task.created), 'updated': _iso(task.updated),
            'finished': _iso(task.finished)}


def _iso(when: float | None) -> str | None:
    """UTC ISO 8601 to the second, as the API shows times elsewhere."""
    if when is None:
        return None
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(when))
