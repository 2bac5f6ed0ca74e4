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

"""Pooling in operation: a pool that dies fails only its own queues, and a
queue re-placed through one API process is routed right by another."""

from __future__ import annotations

import time
import unittest
import uuid

from tests.functional import pooled
from tests.functional import server as fserver

# A dead pool's queues must answer 503 this fast (the Redis decision).
OUTAGE_BUDGET = 2.5


def post(http: fserver.Client, queue: str, body) -> object:
    return http.post(f'/v2/queues/{queue}/messages',
                     json={'messages': [{'body': body, 'ttl': 600}]})


def bodies(http: fserver.Client, queue: str) -> list:
    resp = http.get(f'/v2/queues/{queue}/messages?echo=true')
    if resp.status_code != 200:
        raise AssertionError(f'{resp.status_code} {resp.text}')
    return [m['body'] for m in resp.json()['messages']]


class PoolOutageTest(unittest.TestCase):
    """Two Redis pools, each the only pool of a flavor; one is killed."""

    def setUp(self):
        super().setUp()
        self.env = pooled.PooledServers(self, redis=2)
        self.addCleanup(self.env.stop)
        self.server = self.env.start_server()
        admin = pooled.admin(self.server.url)
        for i, name in enumerate(('alive', 'doomed')):
            pooled.register(admin, name, self.env.redis[i].url)
            resp = admin.put(f'/v2/flavors/{name}',
                             json={'pool_list': [name]})
            self.assertEqual(201, resp.status_code, resp.text)
        self.admin = admin

    def test_a_dead_pool_fails_only_its_own_queues(self):
        http = fserver.Client(self.server.url)
        elsewhere = fserver.Client(self.server.url)
        for queue, flavor, client in (('safe', 'alive', http),
                                      ('lost', 'doomed', http),
                                      ('other', 'alive', elsewhere)):
            self.assertEqual(201, client.put(f'/v2/queues/{queue}', json={
                '_flavor': flavor}).status_code)
            self.assertEqual(201, post(client, queue, queue).status_code)

        self.env.redis[1].stop()  # SIGTERM by pid, reaped

        for request in (lambda: post(http, 'lost', 'x'),
                        lambda: http.get('/v2/queues/lost/messages'),
                        lambda: http.get('/v2/queues/lost/stats'),
                        lambda: http.post('/v2/queues/lost/claims',
                                          json={'ttl': 60})):
            started = time.monotonic()
            resp = request()
            self.assertLess(time.monotonic() - started, OUTAGE_BUDGET)
            self.assertEqual(503, resp.status_code, resp.text)
            self.assertEqual('Service temporarily unavailable',
                             resp.json()['title'])

        self.assertEqual(201, post(http, 'safe', 'more').status_code)
        self.assertEqual(['safe', 'more'], bodies(http, 'safe'))
        self.assertEqual(201, http.put('/v2/queues/new', json={
            '_flavor': 'alive'}).status_code)
        # A project with no queue on the dead pool lists as usual.
        self.assertEqual(['other'], [q['name'] for q in elsewhere.get(
            '/v2/queues').json()['queues']])
        self.assertEqual(204, http.get('/v2/ping').status_code)

        health = self.admin.get('/v2/health').json()
        self.assertTrue(health['storage_reachable'])
        self.assertEqual({'storage_reachable': False},
                         health['pools']['doomed'])
        self.assertTrue(health['pools']['alive']['storage_reachable'])


class TwoProcessesTest(unittest.TestCase):
    """Two zaqar-server processes on one management store."""

    CACHE_TTL = 1.0

    def setUp(self):
        super().setUp()
        self.env = pooled.PooledServers(self, redis=2,
                                        cache_ttl=self.CACHE_TTL)
        self.addCleanup(self.env.stop)
        self.first = self.env.start_server()
        self.second = self.env.start_server()
        admin = pooled.admin(self.first.url)
        for i, name in enumerate(('one', 'two')):
            pooled.register(admin, name, self.env.redis[i].url)
            admin.put(f'/v2/flavors/{name}', json={'pool_list': [name]})

    def test_a_re_placed_queue_is_routed_right_after_the_ttl(self):
        project = 'p-' + uuid.uuid4().hex[:8]
        a = fserver.Client(self.first.url, project=project)
        b = fserver.Client(self.second.url, project=project)
        self.assertEqual(201, a.put('/v2/queues/q', json={
            '_flavor': 'one'}).status_code)
        self.assertEqual(201, post(a, 'q', 'on-one').status_code)
        self.assertEqual(['on-one'], bodies(a, 'q'))  # A has it cached
        self.assertEqual(['on-one'], bodies(b, 'q'))

        # B deletes the queue and creates it again on the other pool.
        self.assertEqual(204, b.delete('/v2/queues/q').status_code)
        self.assertEqual(201, b.put('/v2/queues/q', json={
            '_flavor': 'two'}).status_code)
        self.assertEqual(201, post(b, 'q', 'on-two').status_code)
        replaced = time.monotonic()

        # A follows within the cache TTL (plus a request's time).
        while bodies(a, 'q') != ['on-two']:
            self.assertLess(time.monotonic() - replaced,
                            self.CACHE_TTL + 2.0, 'A never followed')
            time.sleep(0.05)
        self.assertEqual('two', a.get('/v2/queues/q').json()['_flavor'])
        self.assertEqual(201, post(a, 'q', 'from-a').status_code)
        self.assertEqual(['on-two', 'from-a'], bodies(b, 'q'))
        self.assertEqual(['q'], [q['name'] for q in a.get(
            '/v2/queues').json()['queues']])
