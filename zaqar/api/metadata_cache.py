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

"""A short-lived per-process memo of queue metadata for the post path.

Posting reads the queue's settings (size cap, default ttl and delay,
encryption) before writing; remembering them for a second saves that round
trip on busy queues. Changes made through this process are seen at once;
a PATCH handled by another worker is seen within ``ttl`` seconds.

With ``[cache] enabled`` the entries live in the oslo.cache region instead
(zaqar.common.shared_cache), so a change made through any API node or
worker is seen at once by all of them.
"""

from __future__ import annotations

import threading
import time
from typing import Callable

from zaqar.common import shared_cache
from zaqar.storage import scope as scopes

# Queues remembered before the memo starts over.
_MAX_ENTRIES = 10000


class MetadataCache:
    """``ttl`` <= 0 turns it off; ``region`` (oslo.cache) shares it."""

    def __init__(self, ttl: float, region=None,
                 shared_ttl: float | None = None):
        self.ttl = ttl
        self._entries: dict[tuple[str, ...], tuple[float, dict]] = {}
        self._lock = threading.Lock()
        self.shared = None
        if region is not None and ttl > 0:
            self.shared = shared_cache.Shared(region, 'queue-metadata',
                                              shared_ttl or ttl)

    def get(self, project: str, queue: str,
            load: Callable[[], dict], *, scope: str = scopes.QUEUE) -> dict:
        """The cached metadata, or ``load()`` (remembered for ``ttl`` s)."""
        if self.ttl <= 0:
            return load()
        key = _key(project, queue, scope)
        if self.shared is not None:
            metadata = self.shared.get(*key)
            if metadata is shared_cache.MISSING:
                metadata = load()
                self.shared.set(metadata, *key)
            return metadata
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
        metadata = load()
        with self._lock:
            if len(self._entries) >= _MAX_ENTRIES:
                self._entries.clear()
            self._entries[key] = (now + self.ttl, metadata)
        return metadata

    def forget(self, project: str, queue: str, *,
               scope: str = scopes.QUEUE) -> None:
        key = _key(project, queue, scope)
        if self.shared is not None:
            self.shared.delete(*key)
            return
        with self._lock:
            self._entries.pop(key, None)


def _key(project: str, queue: str, scope: str) -> tuple[str, ...]:
    """A queue's entry is (project, name); a topic's has its kind too."""
    return (project, queue) if scope == scopes.QUEUE else (project, queue,
                                                           scope)
