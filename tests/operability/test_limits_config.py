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

"""Limits from [quotas]: 429, Retry-After and the limit's name, HTTP and WS."""

from __future__ import annotations

import os
import shutil
import tempfile
import unittest
import uuid

from tests.functional import server as fserver
from tests.functional.test_websocket import Client as WSClient
from tests.functional.test_websocket import WebSocketServer

QUOTAS = """
[quotas]
max_queues_per_project = 2
max_messages_per_queue = 4
max_subscriptions_per_queue = 1
max_message_posts_per_second = 2
max_requests_per_second = 6
"""

HOOK = 'http://127.0.0.1:9/hook'


class ConfigLimitsTest(unittest.TestCase):
    """One HTTP and one WebSocket server sharing a config with [quotas]."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._tmp = tempfile.mkdtemp(prefix='zaqar-limits-')
        uri = 'sqlite:///' + os.path.join(cls._tmp, 'z.db')
        cls.server = fserver.Server(uri, 'sqlalchemy')
        with open(cls.server.config, 'a') as f:
            f.write(QUOTAS)
        cls.addClassCleanup(shutil.rmtree, cls._tmp, True)
        cls.addClassCleanup(shutil.rmtree, cls.server.dir, True)
        cls.server.start()
        cls.addClassCleanup(cls.server.stop)
        cls.ws_server = WebSocketServer(cls.server.config, '',
                                        cls._tmp).start()
        cls.addClassCleanup(cls.ws_server.stop)

    def http(self) -> fserver.Client:
        return fserver.Client(self.server.url)

    def assertRefused(self, resp, limit: str, retry_after: int | None = None):
        self.assertEqual(429, resp.status_code, resp.text)
        body = resp.json()
        self.assertEqual('Limit exceeded', body['title'])
        self.assertIn(f'"{limit}" limit', body['description'])
        seconds = int(resp.headers['Retry-After'])
        if retry_after is None:
            self.assertGreaterEqual(seconds, 1)
        else:
            self.assertEqual(retry_after, seconds)

    def test_third_queue_is_refused_but_existing_ones_stay_writable(self):
        http = self.http()
        self.assertEqual(201, http.put('/v2/queues/q1').status_code)
        self.assertEqual(201, http.put('/v2/queues/q2').status_code)
        self.assertRefused(http.put('/v2/queues/q3'), 'queues', 60)
        # Replacing an existing queue's metadata creates nothing.
        self.assertEqual(204, http.put('/v2/queues/q1').status_code)
        # Another project has its own count.
        self.assertEqual(201, self.http().put('/v2/queues/q3').status_code)

    def test_post_past_the_queue_capacity_is_refused_whole(self):
        http = self.http()
        msgs = [{'body': i, 'ttl': 300} for i in range(3)]
        resp = http.post('/v2/queues/cap/messages', json={'messages': msgs})
        self.assertEqual(201, resp.status_code, resp.text)
        resp = http.post('/v2/queues/cap/messages', json={'messages': msgs})
        self.assertRefused(resp, 'messages_per_queue', 5)
        stats = http.get('/v2/queues/cap/stats').json()['messages']
        self.assertEqual(3, stats['total'])

    def test_second_subscription_on_a_queue_is_refused(self):
        http = self.http()
        resp = http.post('/v2/queues/subs/subscriptions',
                         json={'subscriber': HOOK, 'ttl': 3600})
        self.assertEqual(201, resp.status_code, resp.text)
        resp = http.post('/v2/queues/subs/subscriptions',
                         json={'subscriber': HOOK + '2', 'ttl': 3600})
        self.assertRefused(resp, 'subscriptions_per_queue', 60)

    def test_message_post_rate_is_limited_per_project(self):
        http = self.http()
        two = {'messages': [{'body': 1}, {'body': 2}]}
        self.assertEqual(201, http.post('/v2/queues/r1/messages',
                                        json=two).status_code)
        # Two messages a second: the next two take a second to allow.
        self.assertRefused(http.post('/v2/queues/r2/messages', json=two),
                           'message_posts_per_second', 1)

    def test_request_rate_is_limited_per_project(self):
        http = self.http()
        statuses = [http.get('/v2/queues').status_code for _ in range(30)]
        # Six a second: thirty in a row would need five seconds to pass.
        self.assertIn(429, statuses)
        self.assertGreaterEqual(statuses.count(200), 6)
        self.assertEqual({200, 429}, set(statuses))
        # Another project is not slowed by this one.
        self.assertEqual(200, self.http().get('/v2/queues').status_code)

    def test_limit_is_reported_over_websocket(self):
        ws = WSClient(self.ws_server.url, project='ws-' + uuid.uuid4().hex)
        self.addCleanup(ws.close)
        for name in ('w1', 'w2'):
            self.assertEqual(201, ws.call('queue_create',
                                          {'queue_name': name})[0])
        status, body = ws.call('queue_create', {'queue_name': 'w3'})
        self.assertEqual(429, status)
        self.assertEqual('Limit exceeded', body['title'])
        self.assertIn('"queues" limit (2 queues per project)',
                      body['description'])
        self.assertEqual(60, body['retry_after'])
