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

"""Acceptance: 1,000 webhook deliveries through failures and a restart.

A local subscriber answers 500 to the first attempt of every tenth
message. Half the messages are posted, the process delivering them is
killed (SIGKILL) while deliveries are in flight and started again, and the
other half is posted. Every one of the 1,000 bodies must arrive, exactly
as posted. Delivery is at least once: a delivery that was made but not yet
recorded as made when the notifier died is made again after its lease runs
out; such duplicates (same ``X-Zaqar-Delivery``) are counted and reported,
not failed.

Latency (post request sent -> first successful webhook request received)
and throughput are written to ``$ZAQAR_TEST_RESULTS_DIR`` (default: the
system temporary directory) as ``notification-acceptance-<case>.json``.
Message count: ``ZAQAR_TEST_NOTIFICATION_MESSAGES`` (default 1000).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import unittest

from tests import backends
from tests.functional import server as fserver
from tests.functional.test_notifications import Receiver
from tests.functional.test_subscriptions import conf
from zaqar.notification.tasks import webhook

# Messages per post request.
BATCH = 10
# Seconds a leased delivery stays hidden (short: the restart waits for it).
LEASE = 5
# What zaqar-notifier logs when it starts delivering.
READY = 'Delivering notifications from'


def messages_total() -> int:
    return int(os.environ.get('ZAQAR_TEST_NOTIFICATION_MESSAGES', '1000'))


def children(pid: int) -> list[int]:
    """Direct child processes of ``pid`` (from /proc)."""
    found = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open(f'/proc/{entry}/stat') as f:
                fields = f.read().rsplit(')', 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry))
    return found


def kill_hard(process: subprocess.Popen) -> None:
    """SIGKILL a process we started and its direct children (workers)."""
    doomed = children(process.pid)
    os.kill(process.pid, signal.SIGKILL)
    for pid in doomed:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
    return ordered[index]


class AcceptanceCase:
    """One store and one way of running the notifier; see subclasses."""

    case = ''
    message_store = 'sqlalchemy'
    #: 'api': notifier threads in the API worker (the server is killed);
    #: 'process': a zaqar-notifier process (it is killed).
    mode = 'api'

    def store(self) -> str:
        raise NotImplementedError

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.mkdtemp(prefix='zaqar-accept-')
        self.addCleanup(shutil.rmtree, self.tmp, True)
        uri = self.store()
        lines = ['[notification]', f'delivery_lease = {LEASE}',
                 'delivery_poll_interval = 0.2']
        if self.mode == 'process':
            lines.append('notifier_in_api = false')
        self.server = fserver.Server(uri, self.message_store, conf(*lines))
        self.server.start()
        self.addCleanup(self.server.stop)
        self.notifier = None
        if self.mode == 'process':
            self.start_notifier()
            self.addCleanup(self.stop_notifier)
        self.receiver = Receiver(self.answer)
        self.addCleanup(self.receiver.close)
        self.http = fserver.Client(self.server.url)

    # -- the notifier process (mode 'process') ---------------------------------

    def _ready_lines(self) -> int:
        try:
            with open(os.path.join(self.server.dir, 'zaqar.log')) as f:
                return f.read().count(READY)
        except OSError:
            return 0

    def start_notifier(self, timeout: float = 60.0) -> None:
        """Start zaqar-notifier and wait until it delivers."""
        before = self._ready_lines()
        # Open for the process's lifetime; closed at cleanup.
        log = open(os.path.join(self.server.dir, 'notifier.log'),  # noqa: SIM115
                   'a')
        self.addCleanup(log.close)
        self.notifier = subprocess.Popen(
            [sys.executable, '-m', 'zaqar.cmd.notifier', '--config-file',
             self.server.config], stdout=subprocess.DEVNULL, stderr=log)
        deadline = time.monotonic() + timeout
        while self._ready_lines() <= before:
            self.assertIsNone(self.notifier.poll(), 'zaqar-notifier died')
            self.assertLess(time.monotonic(), deadline,
                            'zaqar-notifier did not start')
            time.sleep(0.05)

    def stop_notifier(self) -> None:
        if self.notifier is not None and self.notifier.poll() is None:
            self.notifier.terminate()
            try:
                self.notifier.wait(15)
            except subprocess.TimeoutExpired:
                self.notifier.kill()
                self.notifier.wait()

    # -- the subscriber ----------------------------------------------------------

    #: Answer 500 to the first attempt of every tenth message.
    fail_tenth = True

    def answer(self, path, document, attempt):
        if (self.fail_tenth and document
                and document['body']['i'] % 10 == 0 and attempt == 1):
            return 500
        return 204

    def unique_delivered(self) -> dict[int, dict]:
        first: dict[int, dict] = {}
        for request in self.receiver.delivered():
            first.setdefault(request['doc']['body']['i'], request)
        return first

    def wait_unique(self, count: int, timeout: float) -> dict[int, dict]:
        self.receiver.wait(lambda _: len(self.unique_delivered()) >= count,
                           timeout)
        return self.unique_delivered()

    # -- the scenario ---------------------------------------------------------------

    def post_range(self, start: int, stop: int, sent: dict[int, float]):
        for first in range(start, stop, BATCH):
            batch = range(first, min(first + BATCH, stop))
            bodies = {i: {'i': i, 'text': f'message {i}',
                          'nested': {'even': i % 2 == 0, 'list': [i, None]}}
                      for i in batch}
            now = time.time()
            resp = self.http.post('/v2/queues/accept/messages', json={
                'messages': [{'body': bodies[i], 'ttl': 3600}
                             for i in batch]})
            self.assertEqual(201, resp.status_code, resp.text)
            for i in batch:
                sent[i] = now
            self.expected.update(bodies)

    def restart(self) -> None:
        if self.mode == 'api':
            kill_hard(self.server.process)
            self.server.start()
        else:
            kill_hard(self.notifier)
            self.start_notifier()

    def test_every_message_arrives_through_failures_and_a_restart(self):
        total = messages_total()
        half = total // 2
        resp = self.http.post('/v2/queues/accept/subscriptions', json={
            'subscriber': self.receiver.url + '/hook'})
        self.assertEqual(201, resp.status_code, resp.text)
        secret = resp.json()['secret']
        sent: dict[int, float] = {}
        self.expected: dict[int, dict] = {}

        started = time.time()
        self.post_range(0, half, sent)
        self.wait_unique(half * 2 // 5, 120)
        killed_at = time.time()
        before_kill = len(self.unique_delivered())
        self.restart()
        restarted_at = time.time()

        phase2 = time.time()
        self.post_range(half, total, sent)
        got = self.wait_unique(total, 120 + LEASE)
        finished = max(r['at'] for r in got.values())

        self.assertEqual(sorted(self.expected), sorted(got),
                         f'missing: {sorted(set(self.expected) - set(got))}'
                         f'\n{self.server.log_tail()}')
        for i, request in got.items():
            self.assertEqual(self.expected[i], request['doc']['body'])
            self.assertEqual('accept', request['doc']['queue_name'])
            headers = request['headers']
            self.assertTrue(webhook.verify(
                secret, headers[webhook.TIMESTAMP], request['raw'],
                headers[webhook.SIGNATURE]))
        first_attempts_failed = [r for r in self.receiver.requests
                                 if r['status'] == 500]
        # Every tenth message was refused at least once before it got
        # through (a first attempt cut short by the kill counts too).
        for i in range(0, total, 10):
            self.assertGreater(got[i]['attempt'], 1, i)

        ok = self.receiver.delivered()
        duplicates = len(ok) - len(got)
        latencies = [got[i]['at'] - sent[i] for i in got]
        clean = [got[i]['at'] - sent[i] for i in got
                 if i >= half and i % 10 != 0]
        phase2_rate = (total - half) / max(finished - phase2, 1e-6)
        results = {
            'case': self.case, 'messages': total, 'batch': BATCH,
            'store': self.message_store, 'mode': self.mode,
            'delivered_unique': len(got), 'duplicates': duplicates,
            'requests_total': len(self.receiver.requests),
            'failed_first_attempts': len(first_attempts_failed),
            'delivered_before_kill': before_kill,
            'restart_seconds': round(restarted_at - killed_at, 2),
            'latency_p50_ms': round(percentile(latencies, 50) * 1000, 1),
            'latency_p99_ms': round(percentile(latencies, 99) * 1000, 1),
            'latency_max_ms': round(max(latencies) * 1000, 1),
            'latency_after_restart_no_retry_p50_ms': round(
                percentile(clean, 50) * 1000, 1),
            'latency_after_restart_no_retry_p99_ms': round(
                percentile(clean, 99) * 1000, 1),
            'latency_mean_ms': round(statistics.mean(latencies) * 1000, 1),
            'throughput_after_restart_msgs_per_s': round(phase2_rate, 1),
            'total_seconds': round(finished - started, 2),
        }
        directory = os.environ.get('ZAQAR_TEST_RESULTS_DIR',
                                   tempfile.gettempdir())
        path = os.path.join(directory,
                            f'notification-acceptance-{self.case}.json')
        with open(path, 'w') as f:
            json.dump(results, f, indent=2)
        sys.stderr.write(json.dumps(results) + '\n')


    def test_backlog_drain_rate(self):
        """Throughput: a backlog posted while no notifier runs, drained."""
        if self.mode != 'process':
            self.skipTest('needs a notifier that can be held back')
        self.fail_tenth = False
        total = messages_total()
        self.stop_notifier()
        resp = self.http.post('/v2/queues/accept/subscriptions', json={
            'subscriber': self.receiver.url + '/hook'})
        self.assertEqual(201, resp.status_code, resp.text)
        self.expected = {}
        self.post_range(0, total, {})
        self.start_notifier()
        first = self.wait_unique(1, 60)
        begin = min(r['at'] for r in first.values())
        got = self.wait_unique(total, 120)
        self.assertEqual(sorted(self.expected), sorted(got))
        end = max(r['at'] for r in got.values())
        results = {'case': self.case + '-drain', 'messages': total,
                   'workers': 10,
                   'drain_seconds': round(end - begin, 2),
                   'drain_msgs_per_s': round(total / max(end - begin, 1e-6),
                                             1)}
        directory = os.environ.get('ZAQAR_TEST_RESULTS_DIR',
                                   tempfile.gettempdir())
        with open(os.path.join(directory, f'notification-acceptance-'
                                          f'{self.case}-drain.json'),
                  'w') as f:
            json.dump(results, f, indent=2)
        sys.stderr.write(json.dumps(results) + '\n')


class AcceptanceSQLiteInAPI(AcceptanceCase, unittest.TestCase):
    """SQLite; the notifier threads die with the killed API server."""

    case = 'sqlite-api'

    def store(self) -> str:
        return 'sqlite:///' + os.path.join(self.tmp, 'zaqar.db')


class AcceptancePostgreSQLProcess(AcceptanceCase, unittest.TestCase):
    """PostgreSQL; a separate zaqar-notifier process is killed."""

    case = 'postgresql-process'
    mode = 'process'

    def store(self) -> str:
        backend = backends.PostgreSQLBackend(self)
        uri, _ = backend.setup()
        self.addCleanup(backend.cleanup)
        return uri


class AcceptanceRedisInAPI(AcceptanceCase, unittest.TestCase):
    """Redis (its own db number); the API server is killed."""

    case = 'redis-api'
    message_store = 'redis'

    def store(self) -> str:
        base = backends.url('redis')
        if not backends.reachable(base):
            backends.unavailable(self, 'redis', f'{base} not reachable')
        # Keys are per project and the client's project is unique.
        dbid = 1 + (os.getpid() + 7) % 15
        return f'{base}?dbid={dbid}'
