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

"""Metrics of a two-worker zaqar-server move as traffic flows."""

from __future__ import annotations

import os
import shutil
import time
import unittest
import uuid

import requests

from tests import backends
from tests.functional import server as fserver
from tests.functional.test_websocket import Client as WSClient
from tests.functional.test_websocket import WebSocketServer
from tests.operability import scrape

ROUTE = '/v2/queues/{queue_name}/messages'


class MetricsTest(unittest.TestCase):
    """Two workers on a private Redis db; scrapes reach either worker."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        url = backends.class_url('redis')
        # A test db of Redis; every test uses projects of its own.
        dbid = 1 + os.getpid() % 15
        sep = '&' if '?' in url else '?'
        cls.server = fserver.Server(f'{url}{sep}dbid={dbid}', 'redis',
                                    'admin_mode = true', workers=2)
        with open(cls.server.config, 'a') as f:
            f.write('\n[metrics]\nenabled = true\nbacklog_queues = 3\n')
        cls.addClassCleanup(shutil.rmtree, cls.server.dir, True)
        cls.server.start()
        cls.addClassCleanup(cls.server.stop)

    def client(self) -> fserver.Client:
        """A new project's client; its queues go when the test ends."""
        http = fserver.Client(self.server.url)
        self.addCleanup(self._drop_queues, http)
        return http

    @staticmethod
    def _drop_queues(http):
        for queue in http.get('/v2/queues').json().get('queues', []):
            http.delete(f'/v2/queues/{queue["name"]}')

    def scrape(self) -> dict:
        admin = fserver.Client(self.server.url, roles='admin')
        resp = admin.get('/metrics')
        self.assertEqual(200, resp.status_code, resp.text)
        return scrape.samples(resp.text)

    def scrape_all_workers(self) -> list[dict]:
        """Several scrapes: whichever worker answers, the sums must agree."""
        return [self.scrape() for _ in range(4)]

    def test_metrics_need_the_admin_role(self):
        resp = fserver.Client(self.server.url).get('/metrics')
        self.assertEqual(403, resp.status_code)

    def test_counters_add_up_across_workers(self):
        before = self.scrape()
        http = self.client()
        queue = 'm-' + uuid.uuid4().hex[:8]
        for _ in range(10):
            resp = http.post(f'/v2/queues/{queue}/messages', json={
                'messages': [{'body': 1}, {'body': 2}, {'body': 3}]})
            self.assertEqual(201, resp.status_code)
        resp = http.post(f'/v2/queues/{queue}/claims?limit=4',
                         json={'ttl': 60, 'grace': 60})
        self.assertEqual(201, resp.status_code)
        claimed = resp.json()['messages']
        href = claimed[0]['href']
        self.assertEqual(204, http.delete(href).status_code)
        for after in self.scrape_all_workers():
            def moved(name, **labels):
                return (scrape.value(after, name, **labels)
                        - scrape.value(before, name, **labels))
            self.assertEqual(30, moved('zaqar_messages_posted_total'))
            self.assertEqual(4, moved('zaqar_messages_claimed_total'))
            self.assertEqual(1, moved('zaqar_messages_deleted_total'))
            self.assertEqual(10, moved('zaqar_http_requests_total',
                                       method='POST', route=ROUTE,
                                       status='201'))
            self.assertEqual(10, moved(
                'zaqar_request_duration_seconds_count', method='POST',
                route=ROUTE, status='201'))
            self.assertGreaterEqual(moved(
                'zaqar_storage_call_duration_seconds_count', driver='redis',
                controller='message', method='post'), 10)

    def test_dead_lettered_messages_are_counted(self):
        http = self.client()
        queue = 'dl-' + uuid.uuid4().hex[:8]
        dlq = queue + '-dead'
        resp = http.put(f'/v2/queues/{queue}', json={
            '_max_claim_count': 1, '_dead_letter_queue': dlq})
        self.assertEqual(201, resp.status_code, resp.text)
        resp = http.post(f'/v2/queues/{queue}/messages', json={
            'messages': [{'body': i} for i in range(3)]})
        self.assertEqual(201, resp.status_code)
        before = self.scrape()
        # The first claim spends each message's one allowed claim...
        resp = http.post(f'/v2/queues/{queue}/claims',
                         json={'ttl': 60, 'grace': 60})
        self.assertEqual(201, resp.status_code)
        self.assertEqual(204, http.delete(resp.headers['location'])
                         .status_code)
        # ...and the next one moves all three instead of claiming them.
        resp = http.post(f'/v2/queues/{queue}/claims',
                         json={'ttl': 60, 'grace': 60})
        self.assertEqual(204, resp.status_code)
        listed = http.get(f'/v2/queues/{dlq}/messages?echo=true').json()
        self.assertEqual(3, len(listed['messages']))
        for after in self.scrape_all_workers():
            self.assertEqual(3, scrape.value(
                after, 'zaqar_messages_dead_lettered_total')
                - scrape.value(before, 'zaqar_messages_dead_lettered_total'))
            self.assertEqual(3, scrape.value(
                after, 'zaqar_messages_claimed_total')
                - scrape.value(before, 'zaqar_messages_claimed_total'))

    def test_backlog_of_the_largest_queues(self):
        http = self.client()
        big = 'big-' + uuid.uuid4().hex[:6]
        body = {'messages': [{'body': i} for i in range(5)]}
        # Each worker reports the queues it served: new connections give
        # both workers a chance to serve this one.
        for _ in range(6):
            fresh = fserver.Client(self.server.url, project=http.project)
            fresh.post(f'/v2/queues/{big}/messages', json=body)
        http.post(f'/v2/queues/{big}/claims?limit=7',
                  json={'ttl': 60, 'grace': 60})
        found = [self.scrape() for _ in range(12)]
        # A worker that read the queue reports it: its stats and a scrape
        # on one kept-alive connection reach the same worker.
        for _ in range(3):
            admin = fserver.Client(self.server.url, project=http.project,
                                   roles='admin')
            self.assertEqual(200, admin.get(
                f'/v2/queues/{big}/stats').status_code)
            resp = admin.get('/metrics')
            self.assertEqual(200, resp.status_code, resp.text)
            found.append(scrape.samples(resp.text))
        reported = [f for f in found if scrape.value(
            f, 'zaqar_queue_messages', queue=big, state='free')]
        self.assertGreaterEqual(len(reported), 3,
                                'the busy queue is not reported')
        for sample in reported:
            self.assertEqual(23, scrape.value(
                sample, 'zaqar_queue_messages', queue=big, state='free'))
            self.assertEqual(7, scrape.value(
                sample, 'zaqar_queue_messages', queue=big, state='claimed'))
            # No project label by default.
            self.assertFalse([k for k in sample
                              if k[0] == 'zaqar_queue_messages'
                              and 'project' in dict(k[1])])


class WebSocketMetricsTest(unittest.TestCase):
    """zaqar-websocket's connection gauge on its separate listener."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._dir = fserver.Server('sqlite://', 'sqlalchemy')
        cls.port = fserver.free_port()
        db = os.path.join(cls._dir.dir, 'z.db')
        with open(cls._dir.config, 'w') as f:
            f.write(f'[drivers]\nmessage_store = sqlalchemy\n\n'
                    f'[drivers:message_store:sqlalchemy]\n'
                    f'uri = sqlite:///{db}\n\n[metrics]\nenabled = true\n'
                    f'listen_port = {cls.port}\n')
        cls.addClassCleanup(shutil.rmtree, cls._dir.dir, True)
        cls.ws_server = WebSocketServer(cls._dir.config, '',
                                        cls._dir.dir).start()
        cls.addClassCleanup(cls.ws_server.stop)

    def gauge(self) -> float:
        text = requests.get(f'http://127.0.0.1:{self.port}/metrics',
                            timeout=10).text
        return scrape.value(scrape.samples(text),
                            'zaqar_websocket_connections')

    def test_open_connections_are_counted(self):
        start = self.gauge()
        clients = [WSClient(self.ws_server.url) for _ in range(3)]
        for client in clients:
            self.addCleanup(client.close)
            self.assertEqual(200, client.call('queue_list', {})[0])
        self.assertEqual(start + 3, self.gauge())
        for client in clients:
            client.close()
        for _ in range(50):
            if self.gauge() == start:
                break
            time.sleep(0.1)
        self.assertEqual(start, self.gauge())


class DashboardTest(unittest.TestCase):
    """doc/grafana's dashboard queries only names the service exposes."""

    def test_dashboard_names_exist(self):
        import json
        import re

        from zaqar.metrics import registry
        root = os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))))
        with open(os.path.join(root, 'doc', 'grafana',
                               'zaqar-dashboard.json')) as f:
            dashboard = json.load(f)
        exposed = {'zaqar_queue_messages'}
        for metric in vars(registry).values():
            for family in getattr(metric, 'describe', lambda: [])():
                for suffix in ('', '_total', '_bucket', '_count', '_sum'):
                    exposed.add(family.name + suffix)
        used = set()
        for panel in dashboard['panels']:
            for target in panel['targets']:
                used |= set(re.findall(r'zaqar_\w+', target['expr']))
        self.assertTrue(used)
        self.assertEqual(set(), used - exposed)
