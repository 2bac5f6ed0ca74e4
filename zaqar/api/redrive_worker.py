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

"""The redrive runner: a daemon thread in each API process.

It scans the unfinished tasks every ``scan_interval`` seconds (and at
once when a task is created here), leases each one it does not run yet
(see ``redrive_tasks``: a claim on the task's token, so one process at a
time works on a task) and runs it in a thread of its own, at most
``tasks_per_process`` at a time. A run renews its lease before every batch
and while it waits for the rate; when the lease is lost it stops without
writing. Every ``SWEEP`` seconds (or ``task_retention``, when shorter) it
also removes tasks finished more than ``task_retention`` seconds ago. The
``Settings`` come from ``[redrive]`` (``zaqar.conf.redrive``).
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time

from zaqar.api import redrive_tasks as tasks
from zaqar.storage import errors as storage_errors

LOG = logging.getLogger(__name__)

# Seconds between sweeps of long-finished tasks (at most).
SWEEP = 3600


@dataclasses.dataclass(frozen=True)
class Settings:
    """A runner's tunables; the defaults are ``[redrive]``'s."""

    # Seconds between scans of the stored tasks.
    scan_interval: float = 1.0
    # Tasks one process runs at once.
    tasks_per_process: int = 4
    # Most messages moved in one batch.
    batch_size: int = 50
    # Storage errors in a row after which a task is failed.
    max_storage_errors: int = 10
    # Seconds a finished task is kept.
    task_retention: float = tasks.RETENTION

    @classmethod
    def from_conf(cls, conf) -> Settings:
        group = conf.redrive
        return cls(**{field.name: getattr(group, field.name)
                      for field in dataclasses.fields(cls)})


DEFAULTS = Settings()


class Runner:
    """Leases and runs redrive tasks (start once per process)."""

    def __init__(self, storage, settings: Settings = DEFAULTS):
        self.storage = storage
        self.settings = settings
        self.store = tasks.TaskStore(storage)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._running: set[str] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> Runner:
        if self._thread is None:
            self._thread = threading.Thread(target=self._scan_loop,
                                            name='zaqar-redrive',
                                            daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def wake(self) -> None:
        self._wake.set()

    def _scan_loop(self) -> None:
        swept = 0.0
        failing = False
        sweep_every = min(SWEEP, self.settings.task_retention)
        while not self._stop.is_set():
            try:
                if not swept or time.monotonic() - swept > sweep_every:
                    self.sweep()
                    swept = time.monotonic()
                self.scan()
                if failing:
                    LOG.info('Redrive tasks can be read again')
                failing = False
            except storage_errors.StorageError as exc:
                # Said once per outage, not at every scan.
                if not failing:
                    LOG.warning('Redrive tasks cannot be read: %s', exc)
                failing = True
            except Exception:
                LOG.exception('Redrive scan failed')
            self._wake.wait(self.settings.scan_interval)
            self._wake.clear()

    def sweep(self) -> None:
        """Remove the tasks finished more than ``task_retention``
        seconds ago."""
        now = time.time()
        keep = self.settings.task_retention
        for task in list(self.store.all()):
            if (task.state in tasks.TERMINAL
                    and (task.finished or now) + keep < now):
                self.store.remove(task.id)

    def scan(self) -> None:
        """Lease and start every unfinished task not running here."""
        for task in list(self.store.unfinished()):
            with self._lock:
                if task.id in self._running or len(
                        self._running) >= self.settings.tasks_per_process:
                    continue
            lease = self.store.lease(task.id)
            if lease is None:
                if not self.store.has_token(task.id):
                    # The token expired while no runner held it.
                    self.store.finish(task, tasks.FAILED, 0,
                                      'The task lease record expired.')
                continue
            with self._lock:
                self._running.add(task.id)
            threading.Thread(target=self._run, args=(task.id, lease),
                             name=f'zaqar-redrive-{task.id[:8]}',
                             daemon=True).start()

    def _run(self, task_id: str, lease: str) -> None:
        try:
            run(self.store, self.storage, task_id, lease, self._stop,
                self.settings)
        except Exception:
            LOG.exception('Redrive task %s stopped', task_id)
        finally:
            with self._lock:
                self._running.discard(task_id)


def run(store: tasks.TaskStore, storage, task_id: str, lease: str,
        stop: threading.Event | None = None,
        settings: Settings = DEFAULTS) -> str | None:
    """Work on one leased task until it ends, the lease is lost or
    ``stop`` is set; return the final state (None: not finished here)."""
    stop = stop or threading.Event()
    errors_in_row = 0
    next_batch = time.monotonic()
    while not stop.is_set():
        if not _wait(store, task_id, lease, next_batch, stop):
            return None
        task = store.load(task_id)
        if task is None or task.state in tasks.TERMINAL:
            return task.state if task else None
        try:
            state, moved_now = _step(store, storage, task,
                                     settings.batch_size)
            errors_in_row = 0
        except storage_errors.StorageError as exc:
            errors_in_row += 1
            LOG.warning('Redrive task %s: %s', task_id, exc)
            task = store.load(task_id) or task
            task.failures += 1
            task.last_error = str(exc) or type(exc).__name__
            if errors_in_row >= settings.max_storage_errors:
                store.finish(task, tasks.FAILED,
                             _left_or_zero(storage, task))
                return tasks.FAILED
            _save_quietly(store, task)
            next_batch = time.monotonic() + min(2 ** errors_in_row, 30)
            continue
        if state is not None:
            store.release(task_id, lease)
            return state
        if task.rate:
            next_batch = time.monotonic() + max(moved_now, 1) / task.rate
        else:
            next_batch = time.monotonic()
    return None


def _step(store: tasks.TaskStore, storage, task: tasks.Task,
          batch_size: int) -> tuple[str | None, int]:
    """One batch: (the terminal state when the task ended, how many
    messages moved)."""
    before = task.moved
    if task.inflight:
        tasks.reconcile(storage, task)
        store.save(task)
    if store.cancel_requested(task.id):
        store.finish(task, tasks.CANCELLED, tasks.remaining(storage, task))
        return tasks.CANCELLED, task.moved - before
    limit = batch_size
    if task.rate:
        limit = max(1, min(limit, int(task.rate)))
    cap = task.cap_left
    if cap is not None:
        limit = min(limit, cap)
    records = tasks.pick(storage, task, limit) if limit else []
    if not records:
        store.finish(task, tasks.DONE, 0)
        return tasks.DONE, task.moved - before
    if task.state == tasks.PENDING:
        task.state = tasks.RUNNING
    tasks.move_batch(store, storage, task, records)
    store.save(task)
    return None, task.moved - before


def _wait(store: tasks.TaskStore, task_id: str, lease: str, until: float,
          stop: threading.Event) -> bool:
    """Sleep until ``until`` renewing the lease; False when it was lost."""
    while True:
        try:
            if not store.renew(task_id, lease):
                return False
        except storage_errors.StorageError as exc:
            LOG.warning('Redrive task %s: lease not renewed: %s', task_id,
                        exc)
        left = until - time.monotonic()
        if left <= 0:
            return True
        if stop.wait(min(left, tasks.LEASE / 3)):
            return False


def _left_or_zero(storage, task: tasks.Task) -> int:
    try:
        return tasks.remaining(storage, task)
    except storage_errors.StorageError:
        return 0


def _save_quietly(store: tasks.TaskStore, task: tasks.Task) -> None:
    try:
        store.save(task)
    except storage_errors.StorageError:
        pass
