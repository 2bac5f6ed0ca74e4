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

"""Redis driver against a private redis-server: crash, stall, restart.

Each test starts its own ``redis-server`` bound to 127.0.0.1 on a free port
(AOF on, ``appendfsync always``, a temporary directory), so it may kill,
pause and flush it without disturbing anyone else's server. The server is
always stopped by its pid.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid

import redis
import testtools

from tests import backends
from zaqar.storage import errors
from zaqar.storage.redis import driver as redis_driver

# The API must answer 503 within this many seconds while Redis is down.
OUTAGE_BUDGET = 2.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """A redis-server process of our own, restartable on the same port/dir."""

    def __init__(self, directory: str):
        self.directory = directory
        self.port = free_port()
        self.socket_path = os.path.join(directory, 'redis.sock')
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f'redis://127.0.0.1:{self.port}'

    def start(self) -> None:
        self.process = subprocess.Popen(
            ['redis-server', '--port', str(self.port), '--bind', '127.0.0.1',
             '--dir', self.directory, '--appendonly', 'yes',
             '--appendfsync', 'always', '--save', '',
             '--unixsocket', self.socket_path, '--unixsocketperm', '700',
             '--daemonize', 'no', '--logfile', 'redis.log'],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        probe = redis.Redis(host='127.0.0.1', port=self.port,
                            socket_connect_timeout=0.2)
        try:
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                try:
                    if probe.ping():
                        return
                except redis.exceptions.BusyLoadingError:
                    pass
                except redis.exceptions.ConnectionError:
                    pass
                time.sleep(0.05)
            raise RuntimeError('private redis-server did not start')
        finally:
            probe.close()

    def signal(self, signum: int) -> None:
        os.kill(self.process.pid, signum)

    def kill(self) -> None:
        """SIGKILL by pid and reap it."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def start_private_redis(testcase) -> PrivateRedis:
    """A private redis-server for one test, stopped at its cleanup."""
    if shutil.which('redis-server') is None:
        backends.unavailable(testcase, 'redis', 'redis-server not installed')
    directory = tempfile.mkdtemp(prefix='zaqar-redis-')
    testcase.addCleanup(shutil.rmtree, directory, ignore_errors=True)
    server = PrivateRedis(directory)
    server.start()
    testcase.addCleanup(server.stop)
    return server


class PrivateServerTest(testtools.TestCase):

    def setUp(self) -> None:
        super().setUp()
        self.server = start_private_redis(self)
        self.project = 'p-' + uuid.uuid4().hex
        self.driver = self.make_driver(self.server.url)

    def make_driver(self, uri: str) -> redis_driver.DataDriver:
        driver = redis_driver.DataDriver(uri, {})
        self.addCleanup(driver.close)
        return driver

    def post(self, driver, queue: str, count: int) -> list[str]:
        return driver.message_controller.post(
            queue, [{'body': {'n': i}, 'ttl': 300, 'delay': 0}
                    for i in range(count)],
            project=self.project, client_uuid='c')

    def assert_unavailable_fast(self, call) -> float:
        started = time.monotonic()
        self.assertRaises(errors.StorageUnavailable, call)
        elapsed = time.monotonic() - started
        self.assertLess(elapsed, OUTAGE_BUDGET)
        return elapsed

    def wait_until_usable(self, call, seconds: float = 10.0):
        deadline = time.monotonic() + seconds
        while True:
            try:
                return call()
            except errors.StorageUnavailable:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def test_acknowledged_messages_survive_kill_9_and_the_driver_recovers(
            self):
        messages = self.driver.message_controller
        claims = self.driver.claim_controller
        acknowledged = []
        for _ in range(20):
            acknowledged += self.post(self.driver, 'durable', 10)
        for _ in range(30):
            acknowledged += self.post(self.driver, 'durable', 1)
        claim_id, claimed = claims.create('durable', project=self.project,
                                          ttl=300, grace=60, limit=5)
        self.assertEqual(5, len(claimed))

        self.server.kill()
        self.assert_unavailable_fast(
            lambda: self.post(self.driver, 'durable', 1))
        for call in (
                lambda: messages.list('durable', project=self.project),
                lambda: claims.create('durable', project=self.project,
                                      ttl=60, grace=60),
                lambda: messages.get('durable', acknowledged[0],
                                     project=self.project),
                lambda: self.driver.queue_controller.stats(
                    'durable', project=self.project)):
            self.assert_unavailable_fast(call)
        self.assertFalse(self.driver.is_alive())

        self.server.start()
        stored = self.wait_until_usable(lambda: messages.bulk_get(
            'durable', acknowledged, project=self.project))
        self.assertTrue(self.driver.is_alive())
        self.assertEqual(set(acknowledged), {m.id for m in stored})
        self.assertEqual(len(acknowledged), self.driver.queue_controller.stats(
            'durable', project=self.project).total)
        claim = claims.get('durable', claim_id, project=self.project)
        self.assertEqual({m.id for m in claimed},
                         {m.id for m in claim.messages})
        # Scripts were lost with the process: they are reloaded on demand.
        more = self.post(self.driver, 'durable', 3)
        self.assertEqual(3, len(messages.bulk_get('durable', more,
                                                  project=self.project)))

    def test_graceful_restart_keeps_everything(self):
        ids = self.post(self.driver, 'q', 25)
        self.server.stop()
        self.assert_unavailable_fast(
            lambda: self.driver.queue_controller.exists(
                'q', project=self.project))
        self.server.start()
        listed = self.wait_until_usable(
            lambda: self.driver.message_controller.list(
                'q', project=self.project, echo=True, limit=25))[0]
        self.assertEqual(ids, [m.id for m in listed])

    def test_outage_fails_fast_repeatedly_then_recovers(self):
        self.post(self.driver, 'q', 1)
        self.server.kill()
        first = self.assert_unavailable_fast(
            lambda: self.driver.queue_controller.exists(
                'q', project=self.project))
        later = [self.assert_unavailable_fast(
            lambda: self.driver.queue_controller.exists(
                'q', project=self.project)) for _ in range(5)]
        # Once the outage is known, each call gives up sooner.
        self.assertLess(max(later), max(first, 0.5))
        self.server.start()
        self.assertTrue(self.wait_until_usable(
            lambda: self.driver.queue_controller.exists(
                'q', project=self.project)))

    def test_a_stalled_server_raises_instead_of_hanging(self):
        self.post(self.driver, 'q', 1)
        self.server.signal(signal.SIGSTOP)
        try:
            self.assert_unavailable_fast(
                lambda: self.post(self.driver, 'q', 1))
        finally:
            self.server.signal(signal.SIGCONT)
        self.wait_until_usable(lambda: self.post(self.driver, 'q', 1))
        # The post that timed out may or may not have been stored, but
        # never twice: at most 3 messages, at least the 2 acknowledged.
        total = self.driver.queue_controller.stats(
            'q', project=self.project).total
        self.assertIn(total, (2, 3))

    def test_scripts_are_reloaded_after_script_flush(self):
        ids = self.post(self.driver, 'q', 2)
        raw = redis.Redis(host='127.0.0.1', port=self.server.port)
        self.addCleanup(raw.close)
        raw.script_flush()
        self.assertEqual([False, False],
                         raw.script_exists(*[
                             s.sha for s in list(
                                 self.driver.scripts.scripts.values())[:2]]))
        ids += self.post(self.driver, 'q', 1)
        raw.script_flush()
        claim_id, claimed = self.driver.claim_controller.create(
            'q', project=self.project, ttl=60, grace=60)
        self.assertEqual(ids, [m.id for m in claimed])
        self.assertEqual(3, len(
            self.driver.claim_controller.get('q', claim_id,
                                             project=self.project).messages))

    def test_unix_socket_uri(self):
        for queue, uri in (('a', f'unix://{self.server.socket_path}?dbid=2'),
                           ('b', f'redis:{self.server.socket_path}?dbid=2')):
            driver = self.make_driver(uri)
            ids = self.post(driver, queue, 2)
            self.assertEqual(ids, [m.id for m in driver.message_controller
                                   .list(queue, project=self.project,
                                         echo=True)[0]])
        raw = redis.Redis(unix_socket_path=self.server.socket_path, db=2)
        self.addCleanup(raw.close)
        self.assertGreater(raw.dbsize(), 0)
