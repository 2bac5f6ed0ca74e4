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

"""Retry of transient MongoDB failures and mapping of the rest to 503s."""

from __future__ import annotations

import dataclasses
import functools
import logging
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

from pymongo import errors as mongo_errors

from zaqar.storage import errors

LOG = logging.getLogger(__name__)

F = TypeVar('F', bound=Callable[..., Any])

# First pause of the exponential backoff, in seconds.
_BASE_SLEEP = 0.01


@dataclasses.dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry after a lost connection."""

    max_attempts: int = 1000
    max_sleep: float = 0.1
    jitter: float = 0.005

    def pause(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based)."""
        backoff = min(self.max_sleep, _BASE_SLEEP * 2 ** min(attempt - 1, 16))
        # Jitter, not a secret.
        return backoff + random.uniform(0, self.jitter)  # nosec B311


def retried(method: F) -> F:
    """Run a controller method, retrying on AutoReconnect/NotPrimaryError.

    The controller must have a ``_driver`` with ``retry_policy`` and
    ``ensure_ready()``. Server selection timing out means the server is gone:
    that fails at once, since pymongo already waited for it. Any other
    pymongo error is reported as StorageUnavailable; errors the storage
    contract defines pass through untouched.
    """

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        driver = self._driver
        attempt = 0
        while True:
            try:
                driver.ensure_ready()
                return method(self, *args, **kwargs)
            except mongo_errors.ServerSelectionTimeoutError as exc:
                raise errors.StorageUnavailable(
                    'MongoDB server unreachable') from exc
            except mongo_errors.AutoReconnect as exc:
                attempt += 1
                if attempt > driver.retry_policy.max_attempts:
                    raise errors.StorageUnavailable(
                        'MongoDB connection lost') from exc
                LOG.debug('%s: %s; retry %d', method.__qualname__, exc,
                          attempt)
                time.sleep(driver.retry_policy.pause(attempt))
            except mongo_errors.PyMongoError as exc:
                LOG.exception('MongoDB failure in %s', method.__qualname__)
                raise errors.StorageUnavailable(
                    'MongoDB operation failed') from exc

    return wrapper  # type: ignore[return-value]
