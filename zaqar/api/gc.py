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

"""Background sweep of expired data, off the request path."""

from __future__ import annotations

import logging
import threading

from zaqar.metrics import hooks

LOG = logging.getLogger(__name__)


class Collector:
    """Calls ``storage.gc()`` every ``interval`` seconds in a daemon thread.

    Reads already ignore expired data; the sweep only reclaims space, so a
    failed sweep is logged and retried at the next tick.
    """

    def __init__(self, storage, interval: float):
        self.storage = storage
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.interval <= 0 or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name='zaqar-gc',
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                removed = self.storage.gc()
            except Exception:
                LOG.exception('Expired-data sweep failed')
                continue
            if removed:
                hooks.expired(removed)
                LOG.debug('Swept %d expired items', removed)
