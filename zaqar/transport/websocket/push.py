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

"""Where pushed messages come from: the PushSource interface and its polling source.

Push goes through the webhook delivery pipeline
(``zaqar/notification/``). Until that pipeline exists, ``PollingPushSource``
stands in: ONE background task per server process reads every queue that
has push subscribers, from a per-queue marker, and hands new messages to
the subscribed connections. A post made by any HTTP worker is seen because
the source reads the shared storage. Switching to the pipeline means
another ``PushSource`` that feeds the same ``PushTarget`` calls.

Reading from a marker can miss a message whose transaction commits after
a later one was already read (SQL databases with concurrent writers). Each
read therefore starts from the marker the source held ``lookback`` seconds
earlier and drops the ids it has already delivered.
"""

from __future__ import annotations

import abc
import asyncio
import collections
import logging
import time
import uuid
from typing import Any, Protocol

from zaqar.api import messages as message_ops
from zaqar.storage import models

LOG = logging.getLogger(__name__)

# Messages read per storage call while catching up.
_PAGE = 200
# Queues read at the same time (each read holds a worker thread).
_PARALLEL_READS = 4


class PushTarget(Protocol):
    """A subscriber living in this process (a connection's subscription)."""

    def deliver(self, queue_name: str, messages: list[dict]) -> None:
        """Queue ``messages`` for sending; must not block."""


def push_document(queue_name: str, msg: models.Message) -> dict:
    """What a subscriber receives for one message (a webhook's body)."""
    doc = {'id': msg.id, 'body': msg.body, 'ttl': msg.ttl,
           'queue_name': queue_name}
    if msg.checksum:
        doc['checksum'] = msg.checksum
    if msg.dedup_id is not None:
        doc['dedup_id'] = msg.dedup_id
    if msg.group is not None:
        doc['group'] = msg.group
    return doc


class PushSource(abc.ABC):
    """Tells subscribed targets about messages posted to their queues."""

    #: Whether subscriptions are stored (and so listed and read through
    #: the subscription operations) rather than held by this process.
    stored = False

    @abc.abstractmethod
    async def subscribe(self, ctx, queue: str, target: PushTarget, ttl: int,
                        options: dict) -> str:
        """From when this returns, every message posted to the queue in
        ``ctx``'s project reaches ``target`` until it unsubscribes.

        :returns: the subscription id.
        """

    @abc.abstractmethod
    async def unsubscribe(self, ctx, queue: str, subscription_id: str,
                          target: PushTarget) -> None:
        """Stop delivering to ``target`` (idempotent)."""

    def subscriber(self, subscription_id: str) -> str:
        """The subscriber URI shown for a connection's subscription."""
        return f'websocket:{subscription_id}'

    def nudge(self, project: str, queue: str) -> None:
        """A hint that the queue just received messages (optional)."""

    async def start(self) -> None:
        """Begin delivering."""

    async def stop(self) -> None:
        """Stop delivering."""


class _Watch:
    """One queue with subscribers: where reading resumes, what was sent."""

    def __init__(self, project: str, queue: str, marker: str | None,
                 interval: float):
        self.project = project
        self.queue = queue
        self.targets: set[PushTarget] = set()
        self.cursor = marker
        # (time, cursor) after each read, oldest first; reads start from
        # the newest entry at least ``lookback`` old.
        self.history: collections.deque = collections.deque(
            [(time.monotonic(), marker)])
        # Message id -> when it was delivered, for the lookback window.
        self.sent: dict[str, float] = {}
        self.interval = interval
        self.due = time.monotonic() + interval

    def start_marker(self, now: float, lookback: float) -> str | None:
        while len(self.history) > 1 and self.history[1][0] <= now - lookback:
            self.history.popleft()
        since = self.history[0][0]
        # Ids delivered before the start entry cannot be read again.
        for message_id in [m for m, t in self.sent.items() if t < since]:
            del self.sent[message_id]
        return self.history[0][1]


class PollingPushSource(PushSource):
    """Reads subscribed queues from storage on an adaptive interval."""

    def __init__(self, svc, executor, interval: float = 0.1,
                 max_interval: float = 0.5, lookback: float = 1.0):
        self.svc = svc
        self.executor = executor
        self.interval = interval
        self.max_interval = max(max_interval, interval)
        self.lookback = lookback
        self._watches: dict[tuple[str, str], _Watch] = {}
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._reads = asyncio.Semaphore(_PARALLEL_READS)

    async def _in_thread(self, func, *args) -> Any:
        return await asyncio.get_running_loop().run_in_executor(
            self.executor, func, *args)

    async def subscribe(self, ctx, queue: str, target: PushTarget, ttl: int,
                        options: dict) -> str:
        project = ctx.project_id
        key = (project, queue)
        watch = self._watches.get(key)
        if watch is None:
            marker = await self._in_thread(self._end_marker, project, queue)
            watch = self._watches.get(key)
            if watch is None:
                watch = _Watch(project, queue, marker, self.interval)
                self._watches[key] = watch
                self._wakeup.set()
        watch.targets.add(target)
        return str(uuid.uuid4())

    async def unsubscribe(self, ctx, queue: str, subscription_id: str,
                          target: PushTarget) -> None:
        key = (ctx.project_id, queue)
        watch = self._watches.get(key)
        if watch is None:
            return
        watch.targets.discard(target)
        if not watch.targets:
            del self._watches[key]

    def nudge(self, project: str, queue: str) -> None:
        """Read the queue now: a post through this server just landed."""
        watch = self._watches.get((project, queue))
        if watch is not None:
            watch.due = time.monotonic()
            watch.interval = self.interval
            self._wakeup.set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name='push-source')

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    # -- storage reads (worker threads) -----------------------------------

    def _page(self, project: str, queue: str, marker: str | None):
        return self.svc.messages.list(
            queue, project=project, marker=marker, limit=_PAGE, echo=True,
            include_claimed=True, include_delayed=True)

    def _end_marker(self, project: str, queue: str) -> str | None:
        """The marker after the newest message: where pushing starts."""
        marker = None
        while True:
            page, next_marker = self._page(project, queue, marker)
            if next_marker is not None:
                marker = next_marker
            if len(page) < _PAGE:
                return marker

    def _read_since(self, project: str, queue: str, marker: str | None
                    ) -> tuple[list[models.Message], str | None]:
        found: list[models.Message] = []
        while True:
            page, next_marker = self._page(project, queue, marker)
            found.extend(page)
            if next_marker is not None:
                marker = next_marker
            if len(page) < _PAGE:
                return message_ops.opened_all(self.svc, found), marker

    # -- the background task ----------------------------------------------

    async def _run(self) -> None:
        while True:
            now = time.monotonic()
            due = [w for w in self._watches.values() if w.due <= now]
            if due:
                await asyncio.gather(*(self._poll(w) for w in due))
                continue
            next_due = min((w.due for w in self._watches.values()),
                           default=now + 3600)
            self._wakeup.clear()
            try:
                await asyncio.wait_for(self._wakeup.wait(),
                                       max(0.0, next_due - now))
            except TimeoutError:
                pass

    async def _poll(self, watch: _Watch) -> None:
        async with self._reads:
            now = time.monotonic()
            start = watch.start_marker(now, self.lookback)
            try:
                found, cursor = await self._in_thread(
                    self._read_since, watch.project, watch.queue, start)
            except Exception:
                LOG.warning('Push: reading queue %s of project %s failed; '
                            'retrying', watch.queue, watch.project,
                            exc_info=True)
                watch.interval = self.max_interval
                watch.due = time.monotonic() + watch.interval
                return
        now = time.monotonic()
        fresh = [m for m in found if m.id not in watch.sent]
        for msg in fresh:
            watch.sent[msg.id] = now
        if cursor is not None and cursor != watch.cursor and found:
            watch.cursor = cursor
        watch.history.append((now, watch.cursor))
        if fresh:
            docs = [push_document(watch.queue, m) for m in fresh]
            for target in list(watch.targets):
                target.deliver(watch.queue, docs)
            watch.interval = self.interval
        else:
            watch.interval = min(watch.interval * 2, self.max_interval)
        watch.due = now + watch.interval
