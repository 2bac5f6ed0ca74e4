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

"""Long-polling signals (``DataDriver.signals``) on every driver.

A waiter subscribes, looks, then waits: a post (and its notify) from
another thread, another driver instance (a second API worker) or another
process wakes it within WAKE_BOUND seconds; a post landing between the
look and the wait is never missed; other queues and projects do not wake
it; with no post the wait runs its full time.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess  # nosec B404 - runs this interpreter on a test script
import sys
import threading
import time

from tests import backends, hosts
from tests.contract import base

# Seconds within which a signal must wake a waiter (generous: the machine
# is shared; a signal normally arrives in milliseconds).
WAKE_BOUND = 3.0

_POSTER = '''
import json, sys
from zaqar.storage import loader
spec = json.loads(sys.argv[1])
driver = loader.load_data_driver(spec["driver"], spec["uri"], spec["options"])
driver.message_controller.post(
    spec["queue"], [{"body": "x", "ttl": 300, "delay": 0}],
    project=spec["project"], client_uuid=spec["client"])
driver.signals.notify(spec["queue"], project=spec["project"])
driver.close()
'''


class _Waiting:
    """Helpers: look, post and notify, do something a bit later."""

    def _look(self, queue: str) -> list:
        return self.messages.list(queue, project=self.project)[0]

    def _post_and_notify(self, driver, queue: str) -> None:
        driver.message_controller.post(
            queue, [{'body': 'x', 'ttl': base.TTL, 'delay': 0}],
            project=self.project, client_uuid=self.client_uuid)
        driver.signals.notify(queue, project=self.project)

    def _later(self, delay: float, func, *args) -> threading.Thread:
        failures: list[BaseException] = []

        def run():
            time.sleep(delay)
            try:
                func(*args)
            except BaseException as exc:  # noqa: BLE001 - reported below
                failures.append(exc)

        def check():
            thread.join()
            if failures:
                raise failures[0]
        thread = threading.Thread(target=run)
        thread.start()
        self.addCleanup(check)
        return thread

    def assert_woken_by(self, other) -> None:
        """A waiter of this driver is woken by a post through ``other``."""
        queue = self.make_queue()
        with self.driver.signals.subscribe(queue,
                                           project=self.project) as waiter:
            self.assertEqual([], self._look(queue))
            self._later(0.2, self._post_and_notify, other, queue)
            started = time.monotonic()
            self.assertTrue(waiter.wait(WAKE_BOUND + 5))
            self.assertLess(time.monotonic() - started, WAKE_BOUND)
        self.assertEqual(1, len(self._look(queue)))


class WaitContract(_Waiting):

    def test_a_post_from_another_thread_wakes_the_waiter(self):
        self.assert_woken_by(self.driver)

    def test_a_post_through_another_worker_wakes_the_waiter(self):
        self.assert_woken_by(self.new_driver())

    def test_a_post_from_another_process_wakes_the_waiter(self):
        queue = self.make_queue()
        state = self._class_state()
        spec = json.dumps({'driver': backends.ALL[self.backend_name].driver,
                           'uri': state.uri, 'options': state.options,
                           'queue': queue, 'project': self.project,
                           'client': self.client_uuid})
        with self.driver.signals.subscribe(queue,
                                           project=self.project) as waiter:
            self.assertEqual([], self._look(queue))
            poster = subprocess.Popen(  # nosec B603 - fixed argv
                [sys.executable, '-c', _POSTER, spec], env=dict(os.environ))
            self.addCleanup(poster.wait)
            # The post lands after the child has started Python: bounded
            # by the child's start-up plus the signal.
            self.assertTrue(waiter.wait(60))
            self.assertEqual(0, poster.wait(60))
        self.assertEqual(1, len(self._look(queue)))

    def test_a_post_between_the_look_and_the_wait_is_not_missed(self):
        queue = self.make_queue()
        other = self.new_driver()
        with self.driver.signals.subscribe(queue,
                                           project=self.project) as waiter:
            self.assertEqual([], self._look(queue))
            # Lands after the look, before the wait starts.
            self._post_and_notify(other, queue)
            deadline = time.monotonic() + WAKE_BOUND
            while not waiter.fired and time.monotonic() < deadline:
                time.sleep(0.01)
            started = time.monotonic()
            self.assertTrue(waiter.wait(10))
            self.assertLess(time.monotonic() - started, 0.5)

    def test_the_wait_ends_empty_without_a_post(self):
        queue = self.make_queue()
        with self.driver.signals.subscribe(queue,
                                           project=self.project) as waiter:
            started = time.monotonic()
            self.assertFalse(waiter.wait(0.4))
            self.assertGreaterEqual(time.monotonic() - started, 0.39)
        self.assertEqual([], self._look(queue))

    def test_other_queues_and_projects_do_not_wake_the_waiter(self):
        queue, other_queue = self.make_queue(), self.make_queue()
        other = self.new_driver()
        with self.driver.signals.subscribe(queue,
                                           project=self.project) as waiter:
            other.signals.notify(other_queue, project=self.project)
            other.signals.notify(queue, project=self.other_project)
            self.driver.signals.notify(other_queue, project=self.project)
            self.assertFalse(waiter.wait(0.5))

    def test_an_async_wait_is_woken_from_a_thread(self):
        queue = self.make_queue()
        other = self.new_driver()

        async def wait() -> tuple[bool, float]:
            with self.driver.signals.subscribe(
                    queue, project=self.project) as waiter:
                self._later(0.2, self._post_and_notify, other, queue)
                started = time.monotonic()
                woken = await waiter.wait_async(WAKE_BOUND + 5)
                return woken, time.monotonic() - started

        woken, took = asyncio.run(wait())
        self.assertTrue(woken)
        self.assertLess(took, WAKE_BOUND)

    def test_an_async_wait_ends_empty_without_a_post(self):
        queue = self.make_queue()

        async def wait() -> bool:
            with self.driver.signals.subscribe(
                    queue, project=self.project) as waiter:
                return await waiter.wait_async(0.3)

        self.assertFalse(asyncio.run(wait()))

    def test_one_waiter_listens_on_several_queues(self):
        first, second = self.make_queue(), self.make_queue()
        signals = self.driver.signals
        waiter = signals.subscribe(first, project=self.project)
        self.addCleanup(waiter.close)
        signals.subscribe(second, project=self.project, waiter=waiter)
        self._later(0.2, self._post_and_notify, self.new_driver(), second)
        self.assertTrue(waiter.wait(WAKE_BOUND + 5))

    def test_a_closed_waiter_is_not_woken(self):
        queue = self.make_queue()
        waiter = self.driver.signals.subscribe(queue, project=self.project)
        waiter.close()
        self.driver.signals.notify(queue, project=self.project)
        self.assertFalse(waiter.fired)


class CrossHostWaitContract(_Waiting):
    """Stores whose signals travel through the store itself (Redis and
    Redis Cluster pub/sub, PostgreSQL LISTEN/NOTIFY) wake a waiter on
    another host: here a driver whose host-local socket directory is its
    own, so only the store can carry the signal."""

    def test_a_post_on_another_host_wakes_the_waiter(self):
        with hosts.another_host(self):
            other = self.new_driver()
        self.assert_woken_by(other)


# The stores whose signals reach other hosts.
CROSS_HOST = ('redis', 'postgresql')

base.for_each_backend(globals(), WaitContract)
base.for_each_backend(globals(), CrossHostWaitContract, names=CROSS_HOST)
