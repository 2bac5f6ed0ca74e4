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

"""Long polling (``wait``) over HTTP and WebSocket on real servers.

zaqar-server with two worker processes (a post handled by one worker wakes
waiters in the other), on SQLite (this host's sockets) and Redis (pub/sub);
through pools; over WebSocket; and python-zaqarclient, which never sends
``wait``, sees the answers it always saw.
"""

from __future__ import annotations

import concurrent.futures
import shutil
import threading
import time
import unittest
import uuid

from zaqarclient.queues import client as zaqar_client

from tests import backends
from tests.functional import base as fbase
from tests.functional import pooled
from tests.functional import server as fserver
from tests.functional import test_websocket as fws

# Seconds within which a post must end a waiting request (generous: the
# machine is shared; it normally takes milliseconds).
WAKE_BOUND = 3.0
MESSAGE = {'messages': [{'body': {'event': 'x'}, 'ttl': 300}]}


class _Poster(threading.Thread):
    """Posts one message after ``delay``; ``join`` checks it was 201."""

    def __init__(self, client: fserver.Client, queue: str, delay: float):
        super().__init__()
        self.client, self.queue, self.delay = client, queue, delay
        self.status: int | None = None
        self.text = ''

    def run(self) -> None:
        time.sleep(self.delay)
        resp = self.client.post(f'/v2/queues/{self.queue}/messages',
                                json=MESSAGE)
        self.status, self.text = resp.status_code, resp.text

    def join(self, timeout=None) -> None:
        super().join(timeout)
        if self.status != 201:
            raise AssertionError(f'post: {self.status} {self.text}')


def _post_later(client: fserver.Client, queue: str,
                delay: float = 0.5) -> _Poster:
    poster = _Poster(client, queue, delay)
    poster.start()
    return poster


class _TwoWorkers(unittest.TestCase):
    """zaqar-server, 2 workers, on a private store of ``backend``."""

    backend = 'sqlite'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._backend = backends.ALL[cls.backend](fbase._ClassLevel())
        uri, _ = cls._backend.setup()
        cls.server = fserver.Server(uri, cls._backend.driver, workers=2)
        try:
            cls.server.start()
        except Exception:
            cls._backend.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls._backend.cleanup()
        shutil.rmtree(cls.server.dir, ignore_errors=True)
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.http = fserver.Client(self.server.url)
        self.poster = fserver.Client(self.server.url,
                                     project=self.http.project)
        self.queue = 'q-' + uuid.uuid4().hex[:8]
        self.assertEqual(201, self.http.put(
            f'/v2/queues/{self.queue}').status_code)

    def messages(self, query: str = ''):
        return self.http.get(f'/v2/queues/{self.queue}/messages{query}')

    def claim(self, query: str = ''):
        return self.http.post(f'/v2/queues/{self.queue}/claims{query}',
                              json={'ttl': 60, 'grace': 60})


class LongPollingHTTP:
    """The HTTP behaviour, run on each store below."""

    def test_a_post_ends_a_waiting_list(self):
        poster = _post_later(self.poster, self.queue)
        started = time.monotonic()
        resp = self.messages('?wait=10&echo=true')
        took = time.monotonic() - started
        poster.join()
        self.assertEqual(200, resp.status_code, resp.text)
        self.assertEqual(1, len(resp.json()['messages']))
        self.assertLess(took, 0.5 + WAKE_BOUND)

    def test_a_post_ends_a_waiting_claim(self):
        poster = _post_later(self.poster, self.queue)
        started = time.monotonic()
        resp = self.claim('?wait=10')
        took = time.monotonic() - started
        poster.join()
        self.assertEqual(201, resp.status_code, resp.text)
        self.assertEqual(1, len(resp.json()['messages']))
        self.assertLess(took, 0.5 + WAKE_BOUND)

    def test_a_released_claim_ends_a_waiting_claim(self):
        self.poster.post(f'/v2/queues/{self.queue}/messages', json=MESSAGE)
        first = self.claim()
        self.assertEqual(201, first.status_code)

        def release():
            time.sleep(0.5)
            self.poster.delete(first.headers['Location'])
        thread = threading.Thread(target=release)
        thread.start()
        started = time.monotonic()
        resp = self.claim('?wait=10')
        thread.join()
        self.assertEqual(201, resp.status_code, resp.text)
        self.assertLess(time.monotonic() - started, 0.5 + WAKE_BOUND)

    def test_a_delete_frees_the_next_message_of_a_group_for_a_waiter(self):
        self.poster.post(f'/v2/queues/{self.queue}/messages', json={
            'messages': [{'body': n, 'ttl': 300, 'group': 'g'}
                         for n in ('first', 'second')]})
        first = self.claim()
        self.assertEqual(201, first.status_code)
        href = first.json()['messages'][0]['href']

        def delete():
            time.sleep(0.5)
            self.poster.delete(href)
        thread = threading.Thread(target=delete)
        thread.start()
        started = time.monotonic()
        resp = self.claim('?wait=10')
        thread.join()
        self.assertEqual(201, resp.status_code, resp.text)
        self.assertEqual(['second'], [m['body']
                                      for m in resp.json()['messages']])
        self.assertLess(time.monotonic() - started, 0.5 + WAKE_BOUND)

    def test_an_empty_wait_answers_as_without_wait(self):
        plain_list, plain_claim = self.messages(), self.claim()
        started = time.monotonic()
        waited_list = self.messages('?wait=1')
        waited_claim = self.claim('?wait=1')
        self.assertGreaterEqual(time.monotonic() - started, 1.9)
        self.assertEqual((plain_list.status_code, plain_list.json()),
                         (waited_list.status_code, waited_list.json()))
        self.assertEqual((204, b''), (plain_claim.status_code,
                                      plain_claim.content))
        self.assertEqual((204, b''), (waited_claim.status_code,
                                      waited_claim.content))

    def test_wait_zero_and_a_present_message_answer_at_once(self):
        self.poster.post(f'/v2/queues/{self.queue}/messages', json=MESSAGE)
        started = time.monotonic()
        self.assertEqual(200, self.messages('?wait=0&echo=true').status_code)
        self.assertEqual(1, len(self.messages('?wait=20&echo=true').json()[
            'messages']))
        self.assertLess(time.monotonic() - started, 1.0)

    def test_a_bad_wait_is_a_400_with_the_json_error(self):
        for value in ('21', '-1', 'abc', '1.5'):
            for resp in (self.messages(f'?wait={value}'),
                         self.claim(f'?wait={value}')):
                self.assertEqual(400, resp.status_code, (value, resp.text))
                self.assertEqual({'title', 'description'},
                                 set(resp.json()), value)

    def test_many_waiters_hold_no_threads(self):
        # Far more waiters than the server has request threads
        # ([drivers:transport:wsgi] threads): another queue still answers
        # at once, and one post wakes them all.
        count = 40
        pool = concurrent.futures.ThreadPoolExecutor(count)
        self.addCleanup(pool.shutdown)
        clients = [fserver.Client(self.server.url, project=self.http.project)
                   for _ in range(count)]
        waits = [pool.submit(c.get, f'/v2/queues/{self.queue}/messages'
                             f'?wait=15&echo=true') for c in clients]
        time.sleep(1.5)
        started = time.monotonic()
        other = fserver.Client(self.server.url)
        self.assertEqual(200, other.get('/v2/queues/elsewhere/messages')
                         .status_code)
        self.assertLess(time.monotonic() - started, WAKE_BOUND)
        self.poster.post(f'/v2/queues/{self.queue}/messages', json=MESSAGE)
        woken = time.monotonic()
        for future in waits:
            resp = future.result(timeout=30)
            self.assertEqual(200, resp.status_code)
            self.assertEqual(1, len(resp.json()['messages']))
        self.assertLess(time.monotonic() - woken, 2 * WAKE_BOUND)

    def test_python_zaqarclient_is_unchanged(self):
        cli = zaqar_client.Client(self.server.url, version=2, conf={
            'auth_opts': {'backend': 'noauth',
                          'options': {'os_project_id': self.http.project}}})
        queue = cli.queue(self.queue)
        self.assertEqual([], list(queue.messages()))
        self.assertEqual([], list(queue.claim(ttl=60, grace=60)))
        queue.post([{'body': 'zc', 'ttl': 300}])
        self.assertEqual(['zc'], [m.body for m in queue.claim(ttl=60,
                                                              grace=60)])


class LongPollingSQLite(LongPollingHTTP, _TwoWorkers):
    backend = 'sqlite'


class LongPollingRedis(LongPollingHTTP, _TwoWorkers):
    backend = 'redis'


class LongPollingPooled(unittest.TestCase):
    """A server on two Redis pools: a waiter on a queue not placed yet,
    and one on a placed queue, are both woken by posts."""

    def setUp(self):
        super().setUp()
        self.env = pooled.PooledServers(self, redis=2)
        self.addCleanup(self.env.stop)
        self.server = self.env.start_server(workers=2)
        admin = pooled.admin(self.server.url)
        for i, name in enumerate(('one', 'two')):
            pooled.register(admin, name, self.env.redis[i].url)
        self.env.settle()
        self.http = fserver.Client(self.server.url)
        self.poster = fserver.Client(self.server.url,
                                     project=self.http.project)

    def test_waiters_are_woken_on_the_queue_s_pool(self):
        for queue in ('unplaced', 'placed'):
            if queue == 'placed':
                self.assertEqual(201, self.http.put(
                    f'/v2/queues/{queue}').status_code)
            poster = _post_later(self.poster, queue)
            started = time.monotonic()
            resp = self.http.get(f'/v2/queues/{queue}/messages'
                                 f'?wait=10&echo=true')
            poster.join()
            self.assertEqual(200, resp.status_code, resp.text)
            self.assertEqual(1, len(resp.json()['messages']),
                             (queue, time.monotonic() - started))
            self.assertLess(time.monotonic() - started, 0.5 + WAKE_BOUND)


class LongPollingWebSocket(fws.WebSocketTestCase):
    """``wait`` in the message_list and claim_create actions."""

    def setUp(self):
        super().setUp()
        self.ws = self.client()
        self.poster = self.http(self.ws.project)
        self.queue = 'q-' + uuid.uuid4().hex[:8]

    def test_a_post_over_http_ends_a_waiting_list_and_claim(self):
        for action, body, status in (
                ('message_list', {'echo': True}, 200),
                ('claim_create', {'ttl': 60, 'grace': 60}, 201)):
            poster = _post_later(self.poster, self.queue)
            started = time.monotonic()
            got, answer = self.ws.call(action, dict(
                body, queue_name=self.queue, wait=10))
            poster.join()
            self.assertEqual(status, got, answer)
            self.assertTrue(answer['messages'], action)
            self.assertLess(time.monotonic() - started, 0.5 + WAKE_BOUND)
            # Leave the queue empty for the claim.
            self.poster.delete(f'/v2/queues/{self.queue}/messages?pop=10')

    def test_an_empty_wait_answers_as_without_wait(self):
        for action, body in (('message_list', {}),
                             ('claim_create', {'ttl': 60, 'grace': 60})):
            body = dict(body, queue_name=self.queue)
            plain = self.ws.call(action, body)
            started = time.monotonic()
            waited = self.ws.call(action, dict(body, wait=1))
            self.assertGreaterEqual(time.monotonic() - started, 0.95)
            self.assertEqual(plain, waited)

    def test_a_bad_wait_is_a_400(self):
        for action in ('message_list', 'claim_create'):
            for value in (21, -1, 'abc'):
                got, answer = self.ws.call(action, {
                    'queue_name': self.queue, 'wait': value})
                self.assertEqual(400, got, (action, value, answer))
