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

"""Holding claims while their messages wait or run.

A claim lasts ``claim_ttl`` seconds; a request that waits in the executor
or runs longer than that would go to another server while this one still
works on it. The keeper renews every claim that still has unsettled
messages once a third of its TTL has passed, from the listener's polling
loop; a claim whose messages are all settled is forgotten.
"""

from __future__ import annotations

import logging
import threading
import time

import oslo_messaging

LOG = logging.getLogger(__name__)


class ClaimKeeper:
    """Claims with unsettled messages: renewed until the last one settles."""

    def __init__(self, http, ttl: int):
        self._http = http
        self._ttl = ttl
        self._lock = threading.Lock()
        # claim id -> [queue, monotonic time of the last renewal, messages]
        self._claims: dict[str, list] = {}

    def hold(self, queue: str, claim_id: str, count: int) -> None:
        with self._lock:
            self._claims[claim_id] = [queue, time.monotonic(), count]

    def settled(self, claim_id: str | None) -> None:
        if claim_id is None:
            return
        with self._lock:
            entry = self._claims.get(claim_id)
            if entry is not None:
                entry[2] -= 1
                if entry[2] <= 0:
                    del self._claims[claim_id]

    def renew_due(self) -> None:
        """Renew the claims a third of their TTL old (called often)."""
        now = time.monotonic()
        with self._lock:
            due = [(cid, entry[0]) for cid, entry in self._claims.items()
                   if now - entry[1] >= self._ttl / 3]
        for claim_id, queue in due:
            try:
                alive = self._http.renew(queue, claim_id, self._ttl, retry=0)
            except oslo_messaging.MessagingException as exc:
                LOG.warning('Cannot renew claim %s on %s: %s', claim_id,
                            queue, exc)
                continue
            with self._lock:
                entry = self._claims.get(claim_id)
                if entry is None:
                    continue
                if alive:
                    entry[1] = now
                else:
                    LOG.warning('Claim %s on %s expired before renewal; '
                                'its messages may run twice', claim_id,
                                queue)
                    del self._claims[claim_id]
