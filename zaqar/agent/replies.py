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

"""Where RPC answers come back: one reply queue per driver, one reader.

Callers register the ``msg_id`` they wait for; while anyone waits, a single
thread reads the reply queue and hands each reply to its caller. It long
polls (``wait``): the server answers the read as soon as a reply lands,
then the thread deletes what it read (it is the queue's only reader). A
guest whose signed URLs allow only DELETE on its reply queue (provisioned
before reads were granted) pops it instead, polling. A reply nobody waits
for any more (a duplicate after a redelivery, or a caller that timed out)
is dropped, so each call returns at most one answer.
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
# The first poll for a call waits this share of the recent round-trip
# time: polling earlier would only find an empty queue.
FIRST_POLL_SHARE = 0.6
# Weight of the newest round trip in the running average.
RTT_WEIGHT = 0.2


class _Slot:
    __slots__ = ('event', 'body', 'heard', 'sent')

    def __init__(self):
        self.event = threading.Event()
        self.body = None
        self.sent = time.monotonic()
        # When the server last said it works on the call (heartbeat).
        self.heard = self.sent


class ReplyWaiter:
    """Demultiplex the replies of ``queue`` to the calls waiting for them.

    ``long_poll``: seconds a read may wait on the server (0: poll).
    """

    def __init__(self, http, queue: str, long_poll: int = 0):
        self._http = http
        self.queue = queue
        self._long_poll = long_poll if http.can_read(queue) else 0
        self._pending: dict[str, _Slot] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._last_log = 0.0
        self._rtt = 0.05
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name=f'zaqar-replies-{queue}')
        self._thread.start()

    def expect(self, msg_id: str) -> _Slot:
        slot = _Slot()
        with self._lock:
            self._pending[msg_id] = slot
        self._wake.set()
        return slot

    def wait(self, msg_id: str, slot: _Slot, timeout: float | None,
             monitor: float | None = None) -> dict:
        """The reply body; raises MessagingTimeout when none came within
        ``timeout``, or no reply nor heartbeat within ``monitor``."""
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            while True:
                now = time.monotonic()
                limits = [t for t in (
                    None if deadline is None else deadline - now,
                    None if not monitor else slot.heard + monitor - now)
                    if t is not None]
                pause = min(limits) if limits else None
                if pause is not None and pause <= 0:
                    what = ('heartbeat' if deadline is None or
                            now < deadline else 'reply')
                    raise oslo_messaging.MessagingTimeout(
                        f'No {what} for call {msg_id} in time (timeout '
                        f'{timeout} s, call monitor {monitor} s; reply '
                        f'queue {self.queue})')
                if slot.event.wait(pause):
                    return slot.body
        finally:
            with self._lock:
                self._pending.pop(msg_id, None)

    def forget(self, msg_id: str) -> None:
        with self._lock:
            self._pending.pop(msg_id, None)

    def _deliver(self, body) -> None:
        if not isinstance(body, dict):
            return
        msg_id = body.get('msg_id')
        if body.get('kind') == 'heartbeat':
            with self._lock:
                slot = self._pending.get(msg_id)
            if slot is not None:
                slot.heard = time.monotonic()
            return
        with self._lock:
            slot = self._pending.pop(msg_id, None)
        if slot is None:
            LOG.debug('Dropping a reply nobody waits for: %s', msg_id)
            return
        slot.body = body
        slot.event.set()
        self._rtt += RTT_WEIGHT * (time.monotonic() - slot.sent - self._rtt)

    def _first_poll_in(self) -> float | None:
        """Seconds until the oldest waiting call is worth a poll; None when
        no call waits."""
        with self._lock:
            if not self._pending:
                return None
            oldest = min(slot.sent for slot in self._pending.values())
        return oldest + FIRST_POLL_SHARE * self._rtt - time.monotonic()

    def _run(self) -> None:
        delay = POLL_MIN
        while not self._stopped.is_set():
            first = self._first_poll_in()
            if first is None:
                self._wake.wait(1.0)
                self._wake.clear()
                delay = POLL_MIN
                continue
            if first > 0 and not self._long_poll:
                self._stopped.wait(first)
            started = time.monotonic()
            try:
                if self._long_poll:
                    replies = self._http.take(self.queue, POP_COUNT,
                                              wait=self._long_poll, retry=0)
                else:
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
            if (self._long_poll and time.monotonic() - started
                    >= self._long_poll / 2):
                continue  # the server held the read: ask again at once
            self._stopped.wait(delay)
            delay = min(delay * 1.5, POLL_MAX)

    def stop(self) -> None:
        """Stop reading; a read the server still holds ends by itself."""
        self._stopped.set()
        self._wake.set()
        self._thread.join(timeout=1)
