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

"""Where each project's limits come from: the config, or Keystone.

Keystone unified limits are read through oslo.limit (``[oslo_limit]``
names the service endpoint and the credentials). Limits are cached per
project for ``[quotas] keystone_cache_ttl`` seconds so the hot path never
waits on Keystone; a resource Keystone has no registered limit for takes
its ``[quotas]`` value; while Keystone cannot be reached the config values
apply and the failure is logged.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Protocol

from zaqar.common import errors
from zaqar.limits import resources as res

LOG = logging.getLogger(__name__)

# Seconds to wait before asking an unreachable Keystone again.
_FAILURE_TTL = 5.0
# Projects whose limits are cached at most (the oldest entries go).
_CACHE_SIZE = 10000


class LimitSource(Protocol):
    def limits(self, project: str) -> dict[str, int]:
        """Resource name -> limit (-1: none); empty when none is set."""


class ConfigSource:
    """The ``[quotas]`` values, the same for every project."""

    def __init__(self, values: dict[str, int]):
        active = any(v != res.UNLIMITED for v in values.values())
        self._values = dict(values) if active else {}

    def limits(self, project: str) -> dict[str, int]:
        return self._values


class KeystoneSource:
    """Registered limits and project overrides from Keystone.

    Two reads per refresh: the service's registered limits (shared by all
    projects) and the project's overrides.
    """

    def __init__(self, conf, fallback: dict[str, int]):
        from oslo_limit import limit as oslo_limit
        from oslo_limit import opts as limit_opts
        limit_opts.register_opts(conf)
        self._fallback = dict(fallback)
        self._ttl = conf.quotas.keystone_cache_ttl
        # Only limits are read here; usage is counted by zaqar.limits.
        self._enforcer = oslo_limit.Enforcer(_no_usage, cache=False)
        self._registered: tuple[float, dict[str, int]] = (0.0, {})
        self._cache: dict[str, tuple[float, dict[str, int]]] = {}
        self._lock = threading.Lock()

    def limits(self, project: str) -> dict[str, int]:
        now = time.monotonic()
        entry = self._cache.get(project)
        if entry is not None and entry[0] > now:
            return entry[1]
        with self._lock:
            entry = self._cache.get(project)
            if entry is not None and entry[0] > now:
                return entry[1]
            values, ttl = self._read(project, now)
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()
            self._cache[project] = (now + ttl, values)
            return values

    def _read(self, project: str, now: float
              ) -> tuple[dict[str, int], float]:
        """(limits, seconds to trust them) as Keystone has them now."""
        values = dict(self._fallback)
        try:
            expires, registered = self._registered
            if expires <= now:
                registered = _known(
                    self._enforcer.get_registered_limits(None))
                self._registered = (now + self._ttl, registered)
            overrides = _known(
                self._enforcer.get_project_limits(project, None))
        except Exception as exc:  # noqa: BLE001 - Keystone down: fall back
            LOG.warning('Keystone limits of project %s could not be read '
                        '(%s); using [quotas] values', project, exc)
            return values, _FAILURE_TTL
        values.update(registered)
        values.update(overrides)
        return values, self._ttl


def _known(pairs) -> dict[str, int]:
    """Our resources among oslo.limit's (name, limit) pairs."""
    return {name: int(limit) for name, limit in pairs if name in res.NAMES}


def _no_usage(project_id, resource_names):
    return {name: 0 for name in resource_names}


def from_conf(conf) -> LimitSource:
    """The source ``[quotas] source`` selects."""
    values = res.from_config(conf.quotas)
    if conf.quotas.source == 'config':
        return ConfigSource(values)
    try:
        return KeystoneSource(conf, values)
    except Exception as exc:  # noqa: BLE001 - a setup error, said clearly
        raise errors.ConfigError(
            f'[quotas] source = keystone needs a working [oslo_limit] '
            f'section: {exc}') from None
