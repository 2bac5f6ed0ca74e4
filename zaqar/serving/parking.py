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

"""Long polling without a thread per waiting request.

An event-loop front (the HTTP bridge, the WebSocket server) runs each
request in a worker thread through :func:`run`, which gives the thread a
:class:`Slot`. An operation that found nothing and may wait (``wait``)
does not block the thread: it subscribes, checks, and on finding nothing
*parks* its waiter and deadline in the slot and returns its empty answer.
:func:`run` then drops that answer, awaits the waiter on the loop (a
future and a timer, no thread) and runs the whole request again in a
thread with the same deadline; the operation looks again and parks again
until it finds something or the deadline has passed (then it looks once
more and answers, empty or not). Re-running is safe because only reads
(listing) and claims that claimed nothing park.

Under a server without this front (uWSGI, gunicorn's own workers) there is
no slot, and the operation waits on the same waiter in its request thread.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any, Awaitable, Callable

_local = threading.local()


class Slot:
    """What one run of a request may hand back to the loop."""

    __slots__ = ('deadline', 'parked')

    def __init__(self, deadline: float | None = None):
        #: ``time.monotonic()`` deadline of a re-run (None on a first run).
        self.deadline = deadline
        #: (waiter, deadline) when the run parked.
        self.parked: tuple[Any, float] | None = None

    def park(self, waiter, deadline: float) -> None:
        """Ask the loop to await ``waiter`` (``wait_async(timeout)``,
        ``close()``) until ``deadline``, then run the request again."""
        self.parked = (waiter, deadline)


def current() -> Slot | None:
    """The slot of the request this thread runs (None: wait in thread)."""
    return getattr(_local, 'slot', None)


def is_rerun() -> bool:
    """Whether this thread runs a request again after a parked wait."""
    slot = current()
    return slot is not None and slot.deadline is not None


def in_slot(slot: Slot, func: Callable, *args: Any) -> Any:
    """Call ``func(*args)`` in this thread with ``slot`` as its slot."""
    previous = current()
    _local.slot = slot
    try:
        return func(*args)
    finally:
        _local.slot = previous


#: What :func:`run` returns when the client left during a parked wait.
GONE = object()


async def run(executor, func: Callable, *args: Any,
              gone: Callable[[], Awaitable] | None = None) -> Any:
    """``func(*args)`` in ``executor`` (None: on the loop), re-run after
    each parked wait.

    ``gone``: an awaitable factory that completes when the client has
    left (e.g. ASGI ``receive`` returning ``http.disconnect``); a parked
    wait it interrupts ends the request: ``GONE`` is returned, no re-run.
    """
    loop = asyncio.get_running_loop()
    deadline = None
    watcher: asyncio.Future | None = None
    try:
        while True:
            slot = Slot(deadline)
            if executor is None:
                # threads = 0: the application runs on the loop itself.
                result = in_slot(slot, func, *args)
            else:
                result = await loop.run_in_executor(executor, in_slot, slot,
                                                    func, *args)
            if slot.parked is None:
                return result
            waiter, deadline = slot.parked
            try:
                timeout = deadline - time.monotonic()
                if gone is None:
                    await waiter.wait_async(timeout)
                    continue
                if watcher is None:
                    watcher = asyncio.ensure_future(gone())
                waiting = asyncio.ensure_future(waiter.wait_async(timeout))
                await asyncio.wait((waiting, watcher),
                                   return_when=asyncio.FIRST_COMPLETED)
                if watcher.done():
                    waiting.cancel()
                    return GONE
            finally:
                waiter.close()
    finally:
        if watcher is not None and not watcher.done():
            watcher.cancel()
