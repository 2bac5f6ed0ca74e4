"""Where RPC answers come back: one reply queue per driver, one poller.

Callers register the ``msg_id`` they wait for; a single thread pops the
reply queue (take-and-delete, one request per poll) while anyone waits and
hands each reply to its caller. A reply nobody waits for any more (a
duplicate after a redelivery, or a caller that timed out) is dropped, so
each call returns at most one answer.
"""

from __future__ import annotations

import logging
import threading
import time

import oslo_messaging

from zaqar.agent import errors

LOG = logging.getLogger(__name__)

# Replies taken per poll.
POP_COUNT = 20
# Pauses between polls while calls are waiting (seconds).
POLL_MIN = 0.005
POLL_MAX = 0.02


class _Slot:
    __slots__ = ('event', 'body')

    def __init__(self):
        self.event = threading.Event()
        self.body = None


class ReplyWaiter:
    """Demultiplex the replies of ``queue`` to the calls waiting for them."""

    def __init__(self, http, queue: str):
        self._http = http
        self.queue = queue
        self._pending: dict[str, _Slot] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._last_log = 0.0
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name=f'zaqar-replies-{queue}')
        self._thread.start()

    def expect(self, msg_id: str) -> _Slot:
        slot = _Slot()
        with self._lock:
            self._pending[msg_id] = slot
        self._wake.set()
        return slot

    def wait(self, msg_id: str, slot: _Slot, timeout: float | None) -> dict:
        """The reply body; raises MessagingTimeout when none came in time."""
        try:
            if not slot.event.wait(timeout):
                raise oslo_messaging.MessagingTimeout(
                    f'No reply to call {msg_id} within {timeout} s '
                    f'(reply queue {self.queue})')
            return slot.body
        finally:
            with self._lock:
                self._pending.pop(msg_id, None)

    def forget(self, msg_id: str) -> None:
        with self._lock:
            self._pending.pop(msg_id, None)

    def _deliver(self, body) -> None:
        msg_id = body.get('msg_id') if isinstance(body, dict) else None
        with self._lock:
            slot = self._pending.pop(msg_id, None)
        if slot is None:
            LOG.debug('Dropping a reply nobody waits for: %s', msg_id)
            return
        slot.body = body
        slot.event.set()

    def _run(self) -> None:
        delay = POLL_MIN
        while not self._stopped.is_set():
            with self._lock:
                waiting = bool(self._pending)
            if not waiting:
                self._wake.wait(1.0)
                self._wake.clear()
                delay = POLL_MIN
                continue
            try:
                replies = self._http.pop(self.queue, POP_COUNT, retry=0)
            except (oslo_messaging.MessagingException,
                    errors.ServerUnavailable) as exc:
                now = time.monotonic()
                if now - self._last_log > 30:
                    self._last_log = now
                    LOG.warning('Cannot read replies from %s: %s',
                                self.queue, exc)
                replies = []
                delay = POLL_MAX
            for message in replies:
                self._deliver(message.body)
            if replies:
                delay = POLL_MIN
                continue
            self._stopped.wait(delay)
            delay = min(delay * 1.5, POLL_MAX)

    def stop(self) -> None:
        self._stopped.set()
        self._wake.set()
        self._thread.join(timeout=5)
