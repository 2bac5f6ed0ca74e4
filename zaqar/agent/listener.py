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

"""Polling Zaqar queues on behalf of an oslo.messaging server.

Requests and notifications are claimed (one claim per ``prefetch``
messages, held for ``claim_ttl``); fanout requests are read by marker, so
every server sees each of them once and none removes them (they expire by
their TTL). An idle listener polls less and less often, up to ``poll_max``
seconds apart; a message brings it back to polling at once.
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

# Pause between polls for HOT_PERIOD seconds after the last message; after
# that the pause doubles up to poll_max.
POLL_MIN = 0.01
HOT_PERIOD = 1.0
# Fanout queues are read at most this often (seconds): fanout casts are
# rarer than requests, and each read is one more request per round.
FANOUT_EVERY = 0.25
# Fanout messages read per request.
FANOUT_PAGE = 20
# Seconds between two logs of the same lasting problem.
LOG_EVERY = 60.0
# How often a listener pool re-announces itself (its message lives 2x).
ANNOUNCE_EVERY = 1800.0


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
        self._stopped = threading.Event()
        self._delay = POLL_MIN
        self._last_message = 0.0
        self._last_log = 0.0
        self._marker = None
        self._fanout_read = 0.0
        # Problems with credentials surface here, when the server starts,
        # rather than later in a polling thread nobody watches.
        try:
            self._maybe_announce()
            if fanout_queue:
                self._marker = self._end_marker()
            self._fetch()
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

    def _fetch(self) -> bool:
        """One round over the queues; whether anything arrived."""
        got = False
        for queue in self._claim_queues:
            messages = self._http.claim(
                queue, self._driver.options.prefetch,
                self._driver.options.claim_ttl,
                self._driver.options.claim_ttl, retry=0)
            if not messages:
                continue
            got = True
            self._keeper.hold(queue, messages[0].claim_id, len(messages))
            for message in messages:
                incoming = self._wrap(self._driver, queue, message,
                                      self._keeper)
                if self._accept(queue, message):
                    self._buffer.append(incoming)
                else:
                    incoming._delete()
        now = time.monotonic()
        if self._fanout_queue and now - self._fanout_read >= min(
                FANOUT_EVERY, self._delay):
            self._fanout_read = now
            page, self._marker = self._http.read(
                self._fanout_queue, self._marker, FANOUT_PAGE, retry=0)
            for message in page:
                got = True
                message.claim_id = None
                if self._accept(self._fanout_queue, message):
                    self._buffer.append(
                        self._wrap(self._driver, self._fanout_queue, message))
        return got

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
        while not self._stopped.is_set():
            if self._buffer:
                return self._buffer.popleft()
            try:
                self._keeper.renew_due()
                self._maybe_announce()
                got = self._fetch()
            except oslo_messaging.MessagingException as exc:
                self._log_problem(exc)
                got = False
            now = time.monotonic()
            if got:
                self._last_message = now
                self._delay = POLL_MIN
                continue
            pause = self._delay
            if now - self._last_message > HOT_PERIOD:
                self._delay = min(self._delay * 2,
                                  self._driver.options.poll_max)
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                pause = min(pause, remaining)
            self._stopped.wait(pause)
        return None

    def stop(self):
        self._stopped.set()

    def cleanup(self):
        """Give back what was claimed but never handed out."""
        while self._buffer:
            self._buffer.popleft().requeue()
