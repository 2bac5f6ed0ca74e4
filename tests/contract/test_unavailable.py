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

"""Contract: a driver whose server is gone answers StorageUnavailable, fast.

The API turns StorageUnavailable into a 503; it must come quickly (the
Redis decision asks for 2 seconds) and ``is_alive()`` must say False
without raising. SQLite has no server to lose, so it is not covered.
"""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit, urlunsplit

from tests import backends
from tests.contract import base
from zaqar.storage import errors, loader

# Upper bound for one failing call against a dead server (seconds).
FAIL_FAST = 5.0

NETWORK_BACKENDS = ('postgresql', 'mysql', 'redis', 'mongodb')


def dead_port() -> int:
    """A local TCP port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def dead_uri(uri: str, backend_name: str) -> str:
    """``uri`` pointed at a closed local port, with short timeouts."""
    parts = urlsplit(uri)
    userinfo = parts.netloc.rpartition('@')[0]
    netloc = f'127.0.0.1:{dead_port()}'
    if userinfo:
        netloc = f'{userinfo}@{netloc}'
    query = parts.query
    if backend_name == 'mongodb':
        extra = 'serverSelectionTimeoutMS=1000&connectTimeoutMS=1000'
        query = f'{query}&{extra}' if query else extra
    return urlunsplit((parts.scheme, netloc, parts.path, query,
                       parts.fragment))


class UnavailableContract:
    """Behaviour of a driver built for a server that does not answer."""

    def dead_driver(self):
        state = self._class_state()
        uri = dead_uri(state.uri, self.backend_name)
        driver_name = backends.ALL[self.backend_name].driver
        started = time.monotonic()
        try:
            driver = loader.load_data_driver(driver_name, uri, state.options)
        except errors.StorageUnavailable:
            self.assertLess(time.monotonic() - started, FAIL_FAST)
            self.skipTest('the driver refuses to start without its server '
                          '(StorageUnavailable), which is allowed')
        self.addCleanup(driver.close)
        return driver

    def test_is_alive_is_false_without_raising(self):
        driver = self.dead_driver()
        started = time.monotonic()
        self.assertIs(False, driver.is_alive())
        self.assertLess(time.monotonic() - started, FAIL_FAST)

    def test_calls_raise_storage_unavailable_quickly(self):
        driver = self.dead_driver()
        calls = [
            lambda: driver.queue_controller.exists('q', project=self.project),
            lambda: driver.message_controller.post(
                'q', [{'body': 1, 'ttl': 60, 'delay': 0}],
                project=self.project, client_uuid=self.client_uuid),
            lambda: driver.claim_controller.create(
                'q', project=self.project, ttl=60, grace=60),
        ]
        for call in calls:
            started = time.monotonic()
            self.assertRaises(errors.StorageUnavailable, call)
            self.assertLess(time.monotonic() - started, FAIL_FAST)


base.for_each_backend(globals(), UnavailableContract,
                      names=NETWORK_BACKENDS)
