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

"""Bounded retries of lost connections, and the mapping of failures to 503.

Every driver call goes through :meth:`Executor.call`. A connection error or
timeout is retried (after dropping the pool's idle connections, which are
likely stale after a server restart) up to ``max_reconnect_attempts`` times
while a time budget lasts; then the call raises ``StorageUnavailable``. The
budget is short (``retry_deadline``, 1.5 s by default) so that the API
answers 503 within 2 s while Redis is down. Once a call has failed that
way the driver is *degraded*: later calls get a much shorter budget
(``degraded_deadline``) until one succeeds, so an outage costs each request
a fraction of a second, and the driver recovers by itself.

Retrying is safe because every call is idempotent or carries a token: a
post or a pop remembers its token for a while and a claim reuses its id, so
a call that ran but whose reply was lost is not applied twice.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from redis import exceptions as redis_errors

from zaqar.storage import errors

LOG = logging.getLogger(__name__)

T = TypeVar('T')

# Errors that mean "the server was not reachable or did not answer": the
# call may be retried. Authentication failures are not transient.
_TRANSIENT = (redis_errors.ConnectionError, redis_errors.TimeoutError,
              redis_errors.ReadOnlyError)
_PERMANENT = (redis_errors.AuthenticationError,
              redis_errors.AuthorizationError)

# Attempts after NOSCRIPT (scripts reloaded in between).
_NOSCRIPT_ATTEMPTS = 3
# First pause between attempts, doubled each time up to reconnect_sleep.
_FIRST_PAUSE = 0.02


class Executor:
    """Runs ``fn(wire, retrying)`` with retries and error mapping."""

    def __init__(self, wire: Any, *,
                 max_retries: int = 10, reconnect_sleep: float = 1.0,
                 retry_deadline: float = 1.5,
                 degraded_deadline: float = 0.25):
        self.wire = wire
        # Retries after the first attempt (max_reconnect_attempts).
        self.max_retries = max(0, int(max_retries))
        self.reconnect_sleep = max(0.0, float(reconnect_sleep))
        self.retry_deadline = float(retry_deadline)
        self.degraded_deadline = float(degraded_deadline)
        self.degraded = False
        self._lock = threading.Lock()
        #: Called before every call while set (the driver's one-time
        #: preparation, see DataDriver.ensure_ready).
        self.before: Callable[[], None] | None = None

    def call(self, fn: Callable[[Any, bool], T]) -> T:
        """Run ``fn``; its second argument says whether this is a retry."""
        if self.before is not None:
            self.before()
        start = time.monotonic()
        budget = (self.degraded_deadline if self.degraded
                  else self.retry_deadline)
        attempt = 0
        noscript = 0
        while True:
            began = time.monotonic()
            try:
                if noscript:
                    self._load_scripts()
                result = fn(self.wire, attempt > 0 or noscript > 0)
            except redis_errors.NoScriptError as exc:
                noscript += 1
                if noscript > _NOSCRIPT_ATTEMPTS:
                    raise errors.StorageUnavailable(
                        'Redis keeps losing its scripts') from exc
                continue
            except _PERMANENT as exc:
                LOG.error('Redis refused the credentials: %s', exc)
                raise errors.StorageUnavailable(
                    'Redis refused the credentials') from exc
            except _TRANSIENT as exc:
                attempt += 1
                now = time.monotonic()
                pause = self._pause(attempt)
                # Another attempt likely lasts as long as this one did (a
                # refused connection: nothing; a silent host: the timeout).
                if (attempt > self.max_retries
                        or now - start + pause + (now - began) > budget):
                    self._mark_down(exc)
                    raise errors.StorageUnavailable(
                        'Redis is unavailable') from exc
                LOG.debug('Redis call failed (%s); retry %d', exc, attempt)
                self._drop_idle_connections()
                if pause:
                    time.sleep(pause)
                continue
            except redis_errors.RedisError as exc:
                LOG.exception('Redis call failed')
                raise errors.StorageUnavailable(
                    'Redis operation failed') from exc
            if self.degraded:
                self.degraded = False
                LOG.warning('Redis is reachable again')
            return result

    def _pause(self, attempt: int) -> float:
        """No pause before the first retry (a stale pooled connection is
        the usual cause), then a short exponential backoff."""
        if attempt <= 1:
            return 0.0
        return min(self.reconnect_sleep, _FIRST_PAUSE * 2 ** (attempt - 2))

    def _mark_down(self, exc: BaseException) -> None:
        if not self.degraded:
            LOG.error('Redis is unavailable: %s', exc)
        self.degraded = True
        self._drop_idle_connections()

    def _drop_idle_connections(self) -> None:
        try:
            self.wire.drop_idle()
        except Exception:  # best effort cleanup
            LOG.debug('Could not reset the Redis pool', exc_info=True)

    def _load_scripts(self) -> None:
        with self._lock:
            self.wire.scripts.load_all(self.wire)
