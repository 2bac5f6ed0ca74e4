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

"""Reading Zaqar queues on behalf of an oslo.messaging server.

Requests and notifications are claimed (one claim per ``prefetch``
messages, held for ``claim_ttl``); fanout requests are read by marker, so
every server sees each of them once and none removes them (they expire by
their TTL). Each queue has a reader thread that long polls it (``wait``,
``long_poll`` seconds): the server answers as soon as a message lands, so
a request is picked up in milliseconds and an idle listener sends one
request per queue every ``long_poll`` seconds. A reader claims again
only once the listener has handed out what it holds, so servers share
the load. With ``long_poll = 0`` (or a server that answers at once) readers
poll, less and less often while idle, up to ``poll_max`` seconds apart.
"""

from __future__ import annotations

import collections
import logging
import threading
import time

import oslo_messaging
from oslo_messaging._drivers import base

from zaqar.agent import envelope, errors
from zaqar.agent.incoming import NotificationMessage, RpcMessage
from zaqar.agent.keeper import ClaimKeeper

LOG = logging.getLogger(__name__)

# Pause after an empty poll (when not long polling); it doubles up to
# poll_max while the queue stays empty.
POLL_MIN = 0.01
# Pause after a failed request; it doubles up to RETRY_MAX.
RETRY_MIN = 0.1
RETRY_MAX = 2.0
# Fanout messages read per request.
FANOUT_PAGE = 20
# Seconds between two logs of the same lasting problem.
LOG_EVERY = 60.0
# How often a listener pool re-announces itself (its message lives 2x).
ANNOUNCE_EVERY = 1800.0
# Longest time poll() sleeps before renewing claims (seconds).
TICK = 1.0


class QueueListener(base.PollStyleListener):
    """Claim from ``claim_queues`` and read ``fanout_queue`` by marker."""

    def __init__(self, driver, claim_queues: list[str],
                 fanout_queue: str | None = None, kind: str = 'request',
                 announce: list[tuple[str, dict]] = ()):
        super().__init__()
        self._driver = driver
        self._http = driver.http
        self._claim_queues = claim_queues
        self._fanout_queue = fanout_queue
        self._kind = kind
        self._wrap = RpcMessage if kind == 'request' else NotificationMessage
        self._announce = list(announce)
        self._announced = 0.0
        self._keeper = ClaimKeeper(self._http, driver.options.claim_ttl)
        self._buffer: collections.deque = collections.deque()
        # Guards the buffer; notified when it gains or loses messages.
        self._cond = threading.Condition()
        self._stopped = threading.Event()
        self._readers: list[threading.Thread] = []
        self._last_log = 0.0
        self._marker = None
        # Problems with credentials surface here, when the server starts,
        # rather than later in a reader thread nobody watches.
        try:
            self._maybe_announce()
            if fanout_queue:
                self._marker = self._end_marker()
            for queue in claim_queues:
                self._claim_once(queue, wait=0)
        except errors.ServerUnavailable as exc:
            LOG.warning('Zaqar unavailable while starting to listen: %s', exc)

    def _maybe_announce(self) -> None:
        if not self._announce:
            return
        now = time.monotonic()
        if self._announced and now - self._announced < ANNOUNCE_EVERY:
            return
        for queue, body in self._announce:
            self._http.post(queue, [body], ttl=int(2 * ANNOUNCE_EVERY),
                            retry=0)
        self._announced = now

    def _end_marker(self) -> str | None:
        """Skip the fanout messages sent before this server started."""
        marker = None
        while True:
            page, marker = self._http.read(self._fanout_queue, marker,
                                           FANOUT_PAGE, retry=0)
            if len(page) < FANOUT_PAGE:
                return marker

    def _accept(self, queue: str, message) -> bool:
        """Whether to hand ``message`` to the server (else it is dropped)."""
        body = message.body
        if envelope.kind_of(body) != self._kind:
            LOG.warning('Dropping a message of another kind from %s: %r',
                        queue, body if len(repr(body)) < 200 else '...')
            return False
        timeout = body.get('timeout')
        if body.get('msg_id') and timeout and message.age > timeout:
            LOG.info('Dropping call %s from %s: its caller stopped waiting '
                     '%ss ago', body['msg_id'], queue,
                     int(message.age - timeout))
            return False
        return True

    # -- readers (one thread per queue) -----------------------------------

    def _start_readers(self) -> None:
        """Start the readers on the first poll (so that claims are only
        taken once someone renews them)."""
        if self._readers or self._stopped.is_set():
            return
        targets = [(self._claim_loop, q) for q in self._claim_queues]
        if self._fanout_queue:
            targets.append((self._fanout_loop, self._fanout_queue))
        for target, queue in targets:
            reader = threading.Thread(target=target, args=(queue,),
                                      name=f'zaqar-listen-{queue}',
                                      daemon=True)
            self._readers.append(reader)
            reader.start()

    def _room(self) -> bool:
        """Wait until the buffer is empty (claims then take ``prefetch``
        messages at a time under load); False once stopped."""
        with self._cond:
            while self._buffer and not self._stopped.is_set():
                self._cond.wait(TICK)
        return not self._stopped.is_set()

    def _claim_once(self, queue: str, wait: int) -> bool:
        """One claim on ``queue``; whether it brought messages."""
        options = self._driver.options
        messages = self._http.claim(queue, options.prefetch,
                                    options.claim_ttl, options.claim_ttl,
                                    wait=wait, retry=0)
        if not messages:
            return False
        claim_id = messages[0].claim_id
        if self._stopped.is_set():
            # Claimed after stop: give them back at once, in order.
            self._http.release(queue, claim_id, retry=2)
            return True
        self._keeper.hold(queue, claim_id, len(messages))
        self._take([self._wrap(self._driver, queue, message, self._keeper)
                    for message in messages], queue, messages)
        return True

    def _read_fanout_once(self, queue: str, wait: int) -> bool:
        page, self._marker = self._http.read(queue, self._marker,
                                             FANOUT_PAGE, wait=wait,
                                             retry=0)
        for message in page:
            message.claim_id = None
        self._take([self._wrap(self._driver, queue, message)
                    for message in page], queue, page)
        return bool(page)

    def _take(self, incoming: list, queue: str, messages: list) -> None:
        """Buffer what the server may handle; settle what it may not."""
        accepted = []
        for item, message in zip(incoming, messages, strict=True):
            if self._accept(queue, message):
                accepted.append(item)
            else:
                item._delete()
        with self._cond:
            if not self._stopped.is_set():
                self._buffer.extend(accepted)
                self._cond.notify_all()
                return
        for item in accepted:
            item.requeue()

    def _claim_loop(self, queue: str) -> None:
        self._read_loop(queue, self._claim_once, room=True)

    def _fanout_loop(self, queue: str) -> None:
        self._read_loop(queue, self._read_fanout_once, room=False)

    def _read_loop(self, queue: str, read, room: bool) -> None:
        """Read ``queue`` until stopped: long polls back to back, or, when
        the server answers at once, polls with a growing pause."""
        wait = self._driver.options.long_poll
        pause = POLL_MIN
        while not self._stopped.is_set():
            if room and not self._room():
                return
            started = time.monotonic()
            try:
                got = read(queue, wait)
            except oslo_messaging.MessagingException as exc:
                self._log_problem(exc)
                pause = min(max(pause, RETRY_MIN) * 2, RETRY_MAX)
                self._stopped.wait(pause)
                continue
            if got:
                pause = POLL_MIN
                continue
            if wait and time.monotonic() - started >= wait / 2:
                pause = POLL_MIN
                continue  # the server held the request: ask again
            self._stopped.wait(pause)
            pause = min(pause * 2, self._driver.options.poll_max)

    def _log_problem(self, exc: Exception) -> None:
        now = time.monotonic()
        if now - self._last_log >= LOG_EVERY:
            self._last_log = now
            level = (logging.ERROR if isinstance(
                exc, (errors.SignedURLRefused, errors.NotGranted))
                else logging.WARNING)
            LOG.log(level, 'Cannot poll Zaqar: %s', exc)

    @base.batch_poll_helper
    def poll(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        self._start_readers()
        while not self._stopped.is_set():
            with self._cond:
                if self._buffer:
                    message = self._buffer.popleft()
                    self._cond.notify_all()  # room for a reader
                    return message
            try:
                self._keeper.renew_due()
                self._maybe_announce()
            except oslo_messaging.MessagingException as exc:
                self._log_problem(exc)
            pause = TICK
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                pause = min(pause, remaining)
            with self._cond:
                if not self._buffer and not self._stopped.is_set():
                    self._cond.wait(pause)
        return None

    def stop(self):
        with self._cond:
            self._stopped.set()
            self._cond.notify_all()

    def cleanup(self):
        """Give back what was claimed but never handed out (a reader that
        the server still holds gives back what it gets itself)."""
        with self._cond:
            left = list(self._buffer)
            self._buffer.clear()
        for message in left:
            message.requeue()
