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

"""zaqar-gc: one sweep, the interval loop, and refusing bad configuration."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

from tests.unit.cmd import helpers
from zaqar.cmd import gc
from zaqar.storage.sqlalchemy import driver as sql_driver


def sqlite_store(directory: str) -> sql_driver.DataDriver:
    return sql_driver.DataDriver(f'sqlite:///{directory}/zaqar.db')


def unreachable_store() -> sql_driver.DataDriver:
    port = helpers.closed_port()
    return sql_driver.DataDriver(f'postgresql://z@127.0.0.1:{port}/z')


class SweepTest(unittest.TestCase):

    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix='zaqar-gc-')
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)

    def test_sweep_returns_the_count(self):
        storage = sqlite_store(self.dir)
        self.addCleanup(storage.close)
        storage.message_controller.post('q', [{'body': 1, 'ttl': 1}],
                                        project='p', client_uuid='c')
        time.sleep(1.1)
        self.assertEqual(1, gc.sweep(storage))

    def test_failed_sweep_returns_none(self):
        self.assertIsNone(gc.sweep(unreachable_store()))

    def test_loop_keeps_going_after_failures_until_stopped(self):
        storage = unreachable_store()
        calls = []
        original = storage.gc

        def counted():
            calls.append(1)
            return original()

        storage.gc = counted
        stop = threading.Event()
        worker = threading.Thread(target=gc.run_forever,
                                  args=(storage, 0.01, stop))
        worker.start()
        deadline = time.monotonic() + 10
        while len(calls) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        stop.set()
        worker.join(10)
        self.assertFalse(worker.is_alive())
        self.assertGreaterEqual(len(calls), 3)


class GcCommandTest(unittest.TestCase):

    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix='zaqar-gc-')
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)
        self.uri = f'sqlite:///{self.dir}/zaqar.db'
        self.config = helpers.write_config(self.dir, f"""\
            [drivers]
            message_store = sqlalchemy
            [drivers:message_store:sqlalchemy]
            uri = {self.uri}
            """)

    def post_expiring(self, count: int) -> None:
        storage = sql_driver.DataDriver(self.uri)
        storage.message_controller.post(
            'q', [{'body': i, 'ttl': 1} for i in range(count)],
            project='p', client_uuid='c')
        storage.message_controller.post('q', [{'body': 'keep', 'ttl': 600}],
                                        project='p', client_uuid='c')
        storage.close()
        time.sleep(1.2)

    def test_once_removes_expired_messages_and_keeps_live_ones(self):
        self.post_expiring(4)
        proc = helpers.run('gc', '--config-file', self.config)
        self.assertEqual(0, proc.returncode, proc.stderr)
        self.assertIn('Removed 4 expired items.', proc.stdout)
        again = helpers.run('gc', '--config-file', self.config)
        self.assertIn('Removed 0 expired items.', again.stdout)
        storage = sql_driver.DataDriver(self.uri)
        live, _ = storage.message_controller.list(
            'q', project='p', echo=True, include_claimed=True)
        storage.close()
        self.assertEqual(['keep'], [m.body for m in live])

    def test_interval_runs_until_sigterm(self):
        self.post_expiring(2)
        log = os.path.join(self.dir, 'gc.log')
        environ = dict(os.environ,
                       ZAQAR_DATA_DIR=os.path.join(self.dir, 'data'))
        proc = subprocess.Popen(
            [sys.executable, '-m', 'zaqar.cmd.gc', '--config-file',
             self.config, '--interval', '0.2', '--log-file', log],
            cwd=helpers.ROOT, env=environ)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        deadline = time.monotonic() + 30
        text = ''
        while time.monotonic() < deadline:
            if os.path.exists(log):
                with open(log) as f:
                    text = f.read()
                if text.count('expired items') >= 2:
                    break
            time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(0, proc.wait(timeout=15))
        self.assertIn('Removed 2 expired items', text)
        self.assertIn('Removed 0 expired items', text)

    def test_refused_store_exits_2(self):
        config = helpers.write_config(self.dir, """\
            [drivers]
            message_store = swift
            """)
        proc = helpers.run('gc', '--config-file', config)
        self.assertEqual(2, proc.returncode)
        self.assertIn('swift', proc.stderr)

    def test_non_positive_interval_exits_2(self):
        proc = helpers.run('gc', '--interval', '0')
        self.assertEqual(2, proc.returncode)

    def test_unreachable_store_exits_1(self):
        port = helpers.closed_port()
        config = helpers.write_config(self.dir, f"""\
            [drivers]
            message_store = sqlalchemy
            [drivers:message_store:sqlalchemy]
            uri = postgresql://zaqar@127.0.0.1:{port}/zaqar
            """)
        proc = helpers.run('gc', '--config-file', config)
        self.assertEqual(1, proc.returncode, proc.stdout + proc.stderr)
