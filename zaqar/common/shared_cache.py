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

"""oslo.cache for the caches API nodes must agree on.

With ``[cache] enabled`` (an oslo.cache region: memcached, Redis, ...)
the queue-metadata memo and the pool catalog keep their entries in the
region instead of in each process, so a change made through one node
invalidates the entry every node reads: seen at once everywhere. Entries
are trusted for ``[cache] expiration_time`` seconds, a bound for changes
that reach the store some other way. With it off, each process keeps its
own short-lived copies (their own TTL options) as before.

A cache backend that fails is no reason to fail a request: a read that
cannot reach it is a miss (the store answers), a write is logged.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

from dogpile.cache import api as dogpile_api
from dogpile.cache import exception as dogpile_exception
from oslo_cache import core as cache_core
from oslo_cache import exception as cache_exception

from zaqar.common import errors

LOG = logging.getLogger(__name__)

#: What ``Shared.get`` answers for a key it does not hold.
MISSING: Any = object()

#: Seconds after an invalidation when it is repeated (Shared.delete).
REDELETE_AFTER = 1.0


def region_from_conf(conf):
    """This process's oslo.cache region, or None when ``[cache]`` is off."""
    cache_core.configure(conf)
    if not conf.cache.enabled:
        return None
    region = cache_core.create_region()
    try:
        cache_core.configure_cache_region(conf, region)
    except (ImportError, dogpile_exception.PluginNotFound) as exc:
        raise errors.ConfigError(
            f'[cache] backend = {conf.cache.backend} cannot be loaded '
            f'({exc}): install its client library.') from None
    except cache_exception.ConfigurationError as exc:
        raise errors.ConfigError(f'[cache]: {exc}') from None
    return region


class Shared:
    """The entries of one ``kind`` in a region, trusted for ``ttl`` s.

    Keys are tuples of strings (e.g. project, queue); the region's key
    mangler (oslo.cache hashes keys for memcached) makes them safe.
    """

    def __init__(self, region, kind: str, ttl: float):
        self.region = region
        self.kind = kind
        self.ttl = ttl

    def _key(self, parts: tuple) -> str:
        return json.dumps(['zaqar', self.kind, *parts])

    def get(self, *parts: str) -> Any:
        try:
            value = self.region.get(self._key(parts),
                                    expiration_time=self.ttl)
        except Exception as exc:  # noqa: BLE001 - any backend failure
            LOG.warning('Cache read failed (%s): reading the store', exc)
            return MISSING
        return MISSING if value is dogpile_api.NO_VALUE else value

    def set(self, value: Any, *parts: str) -> None:
        try:
            self.region.set(self._key(parts), value)
        except Exception as exc:  # noqa: BLE001 - any backend failure
            LOG.warning('Cache write failed: %s', exc)

    def delete(self, *parts: str) -> None:
        """Drop the entry now and once more a moment later.

        A reader that loaded the old value from the store just before the
        change may write it back just after the first delete; the second
        one removes that copy, so it cannot outlive the change by more
        than ``REDELETE_AFTER`` seconds.
        """
        key = self._key(parts)
        self._delete(key)
        timer = threading.Timer(REDELETE_AFTER, self._delete, (key,))
        timer.daemon = True
        timer.start()

    def _delete(self, key: str) -> None:
        try:
            self.region.delete(key)
        except Exception as exc:  # noqa: BLE001 - any backend failure
            # Other nodes may keep the old entry until it expires.
            LOG.warning('Cache invalidation failed (entries stay for at '
                        'most %s s): %s', self.ttl, exc)
