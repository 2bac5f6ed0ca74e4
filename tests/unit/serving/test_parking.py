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

"""zaqar.serving.parking: parked waits hold no thread and re-run."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time

import testtools

from zaqar.serving import parking
from zaqar.storage import base


class ParkingTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        # One thread: a parked request must give it back.
        self.executor = concurrent.futures.ThreadPoolExecutor(1)
        self.addCleanup(self.executor.shutdown)

    def test_a_request_that_does_not_park_runs_once(self):
        runs = []

        def handler():
            runs.append(parking.current().deadline)
            return 'answer'

        self.assertEqual('answer', asyncio.run(
            parking.run(self.executor, handler)))
        self.assertEqual([None], runs)
        self.assertIsNone(parking.current())

    def test_a_parked_request_runs_again_with_its_deadline_when_woken(self):
        waiter = base.Waiter()
        deadlines = []

        def handler():
            slot = parking.current()
            deadlines.append((slot.deadline, parking.is_rerun()))
            if slot.deadline is None:
                slot.park(waiter, time.monotonic() + 10)
                return 'empty'
            return 'found'

        threading.Timer(0.2, waiter.fire).start()
        started = time.monotonic()
        self.assertEqual('found', asyncio.run(
            parking.run(self.executor, handler)))
        self.assertLess(time.monotonic() - started, 5)
        self.assertEqual((None, False), deadlines[0])
        self.assertTrue(deadlines[1][1])
        self.assertIsNotNone(deadlines[1][0])

    def test_a_parked_request_runs_again_when_its_wait_ends(self):
        def handler():
            slot = parking.current()
            if slot.deadline is None:
                slot.park(base.Waiter(), time.monotonic() + 0.3)
                return 'empty'
            return 'looked again'

        started = time.monotonic()
        self.assertEqual('looked again', asyncio.run(
            parking.run(self.executor, handler)))
        self.assertGreaterEqual(time.monotonic() - started, 0.29)

    def test_parked_requests_leave_the_only_thread_free(self):
        waiters = [base.Waiter() for _ in range(20)]

        def parker(waiter):
            slot = parking.current()
            if slot.deadline is None:
                slot.park(waiter, time.monotonic() + 30)
                return None
            return 'woken'

        async def scenario():
            parked = [asyncio.create_task(parking.run(self.executor, parker,
                                                      w)) for w in waiters]
            await asyncio.sleep(0.2)
            # Twenty requests wait; the pool's one thread still serves.
            other = await asyncio.wait_for(
                parking.run(self.executor, lambda: 'served'), 5)
            for waiter in waiters:
                waiter.fire()
            return other, await asyncio.wait_for(asyncio.gather(*parked),
                                                 10)

        other, woken = asyncio.run(scenario())
        self.assertEqual('served', other)
        self.assertEqual(['woken'] * 20, woken)
        for waiter in waiters:
            self.assertTrue(waiter.fired)


    def test_without_an_executor_the_request_parks_on_the_loop(self):
        # [drivers:transport:wsgi] threads = 0: the application runs on the
        # loop; a parked wait must not block it.
        waiter = base.Waiter()

        def handler():
            slot = parking.current()
            if slot.deadline is None:
                slot.park(waiter, time.monotonic() + 10)
                return 'empty'
            return 'found'

        async def scenario():
            parked = asyncio.create_task(parking.run(None, handler))
            await asyncio.sleep(0.1)
            other = await parking.run(None, lambda: 'served')
            waiter.fire()
            return other, await asyncio.wait_for(parked, 5)

        self.assertEqual(('served', 'found'), asyncio.run(scenario()))

    def test_a_client_that_leaves_ends_the_parked_wait(self):
        runs = []

        def handler():
            runs.append(1)
            parking.current().park(base.Waiter(), time.monotonic() + 30)

        async def leaves():
            await asyncio.sleep(0.2)

        started = time.monotonic()
        self.assertIs(parking.GONE, asyncio.run(
            parking.run(self.executor, handler, gone=leaves)))
        self.assertLess(time.monotonic() - started, 5)
        self.assertEqual([1], runs)


class WaiterTest(testtools.TestCase):

    def test_a_fire_before_the_wait_is_kept(self):
        waiter = base.Waiter()
        waiter.fire()
        self.assertTrue(waiter.wait(0))
        self.assertTrue(asyncio.run(waiter.wait_async(0)))

    def test_close_runs_the_cleanups_once(self):
        calls = []
        waiter = base.Waiter()
        waiter.on_close(lambda: calls.append(1))
        waiter.close()
        waiter.close()
        self.assertEqual([1], calls)
