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

"""Operating a live zaqar-server: Guru Meditation Reports and JSON logs."""

from __future__ import annotations

import glob
import json
import os
import shutil
import signal
import socket
import tempfile
import time
import unittest

from tests.functional import server as fserver


def children(pid: int) -> list[int]:
    """Direct child processes of ``pid`` (Linux /proc)."""
    found = []
    for path in glob.glob(f'/proc/{pid}/task/*/children'):
        with open(path) as f:
            found += [int(p) for p in f.read().split()]
    return found


def wait_for(predicate, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    return predicate()


@unittest.skipUnless(os.path.isdir('/proc/self/task'), 'needs Linux /proc')
class GuruMeditationTest(unittest.TestCase):
    """SIGUSR2 makes any server process write its report and carry on."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix='zaqar-gmr-')
        cls.reports = os.path.join(cls.tmp, 'reports')
        os.mkdir(cls.reports)
        cls.server = fserver.Server(
            f'sqlite:///{cls.tmp}/zaqar.db', workers=2)
        with open(cls.server.config, 'a') as f:
            f.write(f'\n[oslo_reports]\nlog_dir = {cls.reports}\n')
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        super().setUp()
        self.http = fserver.Client(self.server.url)

    def reports_for(self, pid: int) -> list[str]:
        return glob.glob(os.path.join(self.reports,
                                      f'zaqar-*-{pid}_gurumeditation_*'))

    def read_report(self, pid: int) -> str:
        paths = wait_for(lambda: self.reports_for(pid))
        self.assertTrue(paths, f'no report from pid {pid}: '
                        + self.server.log_tail())
        # The handler may still be writing: wait for the last section.
        text = ''
        for _ in range(50):
            with open(paths[0]) as f:
                text = f.read()
            if 'pooling' in text:
                break
            time.sleep(0.1)
        return text

    def test_master_writes_a_report_and_keeps_serving(self):
        master = self.server.process.pid
        os.kill(master, signal.SIGUSR2)
        text = self.read_report(master)
        for section in ('Guru Meditation', 'Package', 'Threads',
                        'Configuration', 'Zaqar'):
            self.assertIn(section, text)
        self.assertIn('role = server', text)
        # Not gunicorn's re-exec: the same master answers afterwards.
        time.sleep(0.5)
        self.assertEqual(204, self.http.get('/v2/ping').status_code)
        self.assertIsNone(self.server.process.poll())
        self.assertEqual(sorted(children(master)),
                         sorted(wait_for(lambda: children(master))))

    def test_worker_writes_its_own_report(self):
        workers = wait_for(lambda: children(self.server.process.pid))
        self.assertTrue(workers)
        os.kill(workers[0], signal.SIGUSR2)
        text = self.read_report(workers[0])
        self.assertIn('role = worker', text)
        self.assertIn(f'pid = {workers[0]}', text)
        self.assertEqual(204, self.http.get('/v2/ping').status_code)
        self.assertIn(workers[0], children(self.server.process.pid))

    def test_secrets_are_masked_in_the_report(self):
        master = self.server.process.pid
        os.kill(master, signal.SIGUSR2)
        text = self.read_report(master)
        self.assertNotIn('sqlite:///', text.split('Configuration', 1)[1])


class JsonLoggingTest(unittest.TestCase):
    """use_json = true: one JSON object per line, with the request id."""

    @classmethod
    def setUpClass(cls):
        with socket.socket() as sock:
            sock.bind(('127.0.0.1', 0))
            port = sock.getsockname()[1]
        # Nothing listens there: requests fail with a logged 503.
        cls.server = fserver.Server(
            f'postgresql://zaqar@127.0.0.1:{port}/zaqar',
            extra_conf='use_json = true').start(store_down=True)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def log_lines(self) -> list[dict]:
        path = os.path.join(self.server.dir, 'zaqar.log')
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]

    def test_request_logs_carry_the_request_id(self):
        client = fserver.Client(self.server.url)
        resp = client.put('/v2/queues/logged')
        self.assertEqual(503, resp.status_code, resp.text)
        request_id = resp.headers['x-openstack-request-id']

        def logged():
            return [r for r in self.log_lines()
                    if (r.get('context') or {}).get('request_id')
                    == request_id]

        records = wait_for(logged, timeout=10)
        self.assertTrue(records, self.server.log_tail())
        for record in records:
            self.assertIn(record['levelname'], ('WARNING', 'ERROR'))
            self.assertEqual(client.project,
                             record['context'].get('project_id'))
            self.assertTrue(record['message'])

    def test_every_line_is_json(self):
        self.assertTrue(self.log_lines())
