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

"""Dead-letter redrive against a real server: HTTP, restarts, pools."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import unittest
import uuid

from tests.functional import base, pooled
from tests.functional import server as fserver
from tests.functional.test_notifications_acceptance import kill_hard
from tests.functional.test_websocket import WebSocketTestCase

DLQ_META = {'_max_claim_count': 1, '_dead_letter_queue': 'dlq'}


def wait_for(http, location: str, states=('done',), timeout: float = 60.0
             ) -> dict:
    """Poll the task until its state is one of ``states``."""
    deadline = time.monotonic() + timeout
    while True:
        resp = http.get(location)
        assert resp.status_code == 200, resp.text
        task = resp.json()
        if task['state'] in states or time.monotonic() > deadline:
            return task
        time.sleep(0.2)


def bodies(http, queue: str) -> list:
    """Every message body of the queue (claimed ones included)."""
    found, marker = [], None
    while True:
        params = {'limit': 20, 'echo': 'true', 'include_claimed': 'true'}
        if marker:
            params['marker'] = marker
        resp = http.get(f'/v2/queues/{queue}/messages', params=params)
        page = resp.json()['messages'] if resp.status_code == 200 else []
        if not page:
            return found
        found += [m['body'] for m in page]
        marker = resp.json()['links'][0]['href'].split('marker=')[1].split(
            '&')[0]


def post(http, queue: str, items: list) -> None:
    for start in range(0, len(items), 50):
        resp = http.post(f'/v2/queues/{queue}/messages', json={
            'messages': [{'body': b, 'ttl': 3600}
                         for b in items[start:start + 50]]})
        assert resp.status_code == 201, resp.text


class RedriveTest(base.ServerTestCase):

    def dead_letter(self, count: int) -> None:
        """``count`` messages dead-lettered from ``src`` into ``dlq``."""
        http = self.http
        self.assertEqual(201, http.put('/v2/queues/src',
                                       json=DLQ_META).status_code)
        http.put('/v2/queues/dlq')
        post(http, 'src', list(range(count)))
        claim = http.post('/v2/queues/src/claims?limit=20',
                          json={'ttl': 60, 'grace': 60})
        self.assertEqual(201, claim.status_code)
        http.delete(claim.headers['Location'])
        self.assertEqual(204, http.post('/v2/queues/src/claims?limit=20',
                                        json={'ttl': 60}).status_code)
        self.assertEqual(count, len(bodies(http, 'dlq')))

    def start(self, queue: str = 'dlq', **body):
        resp = self.http.post(f'/v2/queues/{queue}/redrive', json=body)
        self.assertEqual(202, resp.status_code, resp.text)
        location = resp.headers['Location']
        self.assertRegex(location,
                         f'^/v2/queues/{queue}/redrive/[0-9a-f]{{32}}$')
        return location, resp.json()

    def test_default_destination_is_the_queue_that_dead_letters(self):
        self.dead_letter(3)
        location, task = self.start()
        self.assertEqual('src', task['destination'])
        self.assertIn(task['state'], ('pending', 'running', 'done'))
        done = wait_for(self.http, location)
        self.assertEqual((3, 0, 0), (done['moved'], done['remaining'],
                                     done['failures']))
        self.assertEqual([0, 1, 2], bodies(self.http, 'src'))
        self.assertEqual([], bodies(self.http, 'dlq'))
        # Claim counts start over: the next claim does not dead-letter.
        claim = self.http.post('/v2/queues/src/claims?limit=5',
                               json={'ttl': 60})
        self.assertEqual(201, claim.status_code)
        self.assertEqual(3, len(claim.json()['messages']))

    def test_explicit_destination_and_max_messages(self):
        post(self.http, 'dlq', ['a', 'b', 'c', 'd'])
        location, _ = self.start(destination='elsewhere', max_messages=2)
        done = wait_for(self.http, location)
        self.assertEqual((2, 0), (done['moved'], done['remaining']))
        self.assertEqual(['c', 'd'], bodies(self.http, 'elsewhere'))
        self.assertEqual(['a', 'b'], bodies(self.http, 'dlq'))

    def test_rate_bounds_the_speed(self):
        post(self.http, 'slow', list(range(6)))
        started = time.monotonic()
        location, _ = self.start('slow', destination='fast', rate=3)
        done = wait_for(self.http, location)
        self.assertEqual(6, done['moved'])
        # Two batches of three a second apart, then the empty check.
        self.assertGreaterEqual(time.monotonic() - started, 1.5)

    def test_cancel_keeps_what_moved(self):
        post(self.http, 'many', list(range(40)))
        location, _ = self.start('many', destination='back', rate=5)
        wait_for(self.http, location, ('running',))
        conflict = self.http.post('/v2/queues/many/redrive',
                                  json={'destination': 'back'})
        self.assertError(conflict, 409)
        self.assertEqual(204, self.http.delete(location).status_code)
        self.assertEqual('cancelled', self.http.get(location).json()['state'])
        time.sleep(1.5)
        final = self.http.get(location).json()
        self.assertEqual('cancelled', final['state'])
        moved = bodies(self.http, 'back')
        left = bodies(self.http, 'many')
        self.assertEqual(final['moved'], len(moved))
        self.assertLess(len(moved), 40)
        self.assertEqual(list(range(40)), sorted(moved + left))
        self.assertEqual(204, self.http.delete(location).status_code)

    def test_requests_are_validated(self):
        http = self.http
        http.put('/v2/queues/v')
        http.put('/v2/queues/v2q', json={'_dead_letter_queue': 'v',
                                         '_max_claim_count': 2})
        http.put('/v2/queues/v3q', json={'_dead_letter_queue': 'v',
                                         '_max_claim_count': 2})
        for body in ({'unknown': 1}, {'max_messages': 0},
                     {'max_messages': 1000001}, {'max_messages': 'x'},
                     {'rate': 0}, {'rate': -1}, {'rate': 1001},
                     {'rate': True}, {'destination': 'v'},
                     {'destination': 'bad name'}, {'destination': None},
                     [1], {}):
            resp = http.post('/v2/queues/v/redrive', json=body)
            self.assertError(resp, 400)
        # {} above: two queues dead-letter into v.
        self.assertIn('Several queues', resp.json()['description'])
        http.put('/v2/queues/alone')
        self.assertIn('give a destination', self.assertError(
            http.post('/v2/queues/alone/redrive'), 400)['description'])
        self.assertError(http.post('/v2/queues/missing/redrive', json={
            'destination': 'x'}), 404)
        self.assertError(http.get('/v2/queues/v/redrive/' + uuid.uuid4().hex),
                         404)
        self.assertError(http.get('/v2/queues/v/redrive/not-an-id'), 404)
        self.assertError(http.delete('/v2/queues/v/redrive/x'), 404)

    def test_another_project_sees_no_task(self):
        post(self.http, 'mine', ['x'])
        location, _ = self.start('mine', destination='out')
        other = self.client()
        self.assertError(other.get(location), 404)
        self.assertError(other.delete(location), 404)
        # Another queue's path with the same id is not the task either.
        self.assertError(self.http.get(location.replace('/mine/', '/out/')),
                         404)
        wait_for(self.http, location)


class RedriveRestartTest(base.ServerTestCase):
    """SIGKILL the server mid-task; the restarted one finishes the task."""

    COUNT = 150

    def test_every_message_moves_exactly_once_across_a_kill(self):
        http = self.http
        post(http, 'dead', list(range(self.COUNT)))
        resp = http.post('/v2/queues/dead/redrive',
                         json={'destination': 'live', 'rate': 25})
        self.assertEqual(202, resp.status_code, resp.text)
        location = resp.headers['Location']
        deadline = time.monotonic() + 30
        while http.get(location).json()['moved'] < 40:
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.1)
        kill_hard(self.server.process)
        self.server.start()
        done = wait_for(http, location, ('done', 'failed'), timeout=120)
        self.assertEqual('done', done['state'], done)
        moved = bodies(http, 'live')
        self.assertEqual(self.COUNT, len(moved))
        self.assertEqual(list(range(self.COUNT)), sorted(moved))
        self.assertEqual([], bodies(http, 'dead'))
        self.assertEqual(self.COUNT, done['moved'])


class TwoWorkersRedriveTest(unittest.TestCase):
    """Two server workers both run a runner; one of them moves each
    message, once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = tempfile.mkdtemp(prefix='zaqar-redrive-')
        cls.server = fserver.Server(
            'sqlite:///' + os.path.join(cls.tmp, 'z.db'), 'sqlalchemy',
            workers=2).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)
        super().tearDownClass()

    def test_each_message_moves_once(self):
        http = fserver.Client(self.server.url)
        post(http, 'dead', list(range(60)))
        resp = http.post('/v2/queues/dead/redrive',
                         json={'destination': 'live', 'rate': 40})
        self.assertEqual(202, resp.status_code, resp.text)
        done = wait_for(http, resp.headers['Location'])
        self.assertEqual((60, 0), (done['moved'], done['failures']))
        self.assertEqual(list(range(60)), sorted(bodies(http, 'live')))
        self.assertEqual([], bodies(http, 'dead'))


class RunTasksOptionTest(unittest.TestCase):
    """``[redrive] run_tasks = false``: the process accepts tasks and
    leaves them to the processes that run them."""

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.mkdtemp(prefix='zaqar-redrive-')
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.uri = 'sqlite:///' + os.path.join(self.tmp, 'z.db')

    def server(self, redrive_section: str) -> fserver.Server:
        srv = fserver.Server(self.uri, 'sqlalchemy')
        with open(srv.config, 'a') as f:
            f.write(f'\n[redrive]\n{redrive_section}\n')
        self.addCleanup(srv.stop)
        return srv.start()

    def test_only_processes_that_run_tasks_move_messages(self):
        idle = self.server('run_tasks = false')
        http = fserver.Client(idle.url)
        post(http, 'dead', list(range(12)))
        resp = http.post('/v2/queues/dead/redrive',
                         json={'destination': 'live'})
        self.assertEqual(202, resp.status_code, resp.text)
        location = resp.headers['Location']
        time.sleep(2.5)  # two scans' worth, had it been running them
        task = http.get(location).json()
        self.assertEqual(('pending', 0), (task['state'], task['moved']))

        self.server('run_tasks = true\nscan_interval = 0.2\n'
                    'batch_size = 5')
        done = wait_for(http, location)
        self.assertEqual((12, 0), (done['moved'], done['failures']))
        self.assertEqual(list(range(12)), sorted(bodies(http, 'live')))


class PooledRedriveTest(pooled.TwoPoolServerCase):
    """Source and destination on different pools of a pooled server."""

    def test_redrive_between_pools(self):
        http = fserver.Client(self.server.url)
        store = self.env.store().catalogue_controller
        http.put('/v2/queues/dlq')
        dlq_pool = store.get(http.project, 'dlq')
        dest = None
        for i in range(40):
            http.put(f'/v2/queues/d{i}')
            if store.get(http.project, f'd{i}') != dlq_pool:
                dest = f'd{i}'
                break
        self.assertIsNotNone(dest)
        post(http, 'dlq', list(range(12)))
        resp = http.post('/v2/queues/dlq/redrive', json={'destination': dest})
        self.assertEqual(202, resp.status_code, resp.text)
        done = wait_for(http, resp.headers['Location'])
        self.assertEqual(12, done['moved'])
        self.assertEqual(list(range(12)), bodies(http, dest))
        self.assertEqual([], bodies(http, 'dlq'))


class RedriveWebSocketTest(WebSocketTestCase):

    def test_start_show_and_cancel_over_websocket(self):
        ws = self.client()
        ws.call('queue_create', {'queue_name': 'wdlq'})
        ws.call('message_post', {'queue_name': 'wdlq', 'messages': [
            {'body': i, 'ttl': 300} for i in range(3)]})
        status, task = ws.call('redrive_create', {
            'queue_name': 'wdlq', 'destination': 'wdest', 'rate': 1})
        self.assertEqual(202, status, task)
        self.assertEqual('wdest', task['destination'])
        request = {'queue_name': 'wdlq', 'redrive_id': task['id']}
        status, shown = ws.call('redrive_get', request)
        self.assertEqual((200, task['id']), (status, shown['id']))
        self.assertEqual(204, ws.call('redrive_cancel', request)[0])
        self.assertEqual('cancelled', ws.call('redrive_get',
                                              request)[1]['state'])
        self.assertEqual(400, ws.call('redrive_create', {
            'queue_name': 'wdlq', 'rate': 0})[0])
        self.assertEqual(404, ws.call('redrive_get', {
            'queue_name': 'wdlq', 'redrive_id': 'nope'})[0])


class RedriveRestartRedisTest(RedriveRestartTest):
    backend = 'redis'


class RedriveRestartPostgreSQLTest(RedriveRestartTest):
    backend = 'postgresql'
