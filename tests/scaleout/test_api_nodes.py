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

"""Three API nodes behind HAProxy: a node killed under load, caches coherent.

Real processes on loopback: three zaqar-server processes on one Redis
database, and Debian's HAProxy checking each with ``GET /healthcheck``
every 250 ms. Posters go through HAProxy while one node is SIGKILLed:
the only failures allowed are the requests that were in flight on that
node (at most one per poster thread), and every acknowledged message is
stored exactly once. Queue settings changed through one node hold on the
others once their cache TTL has passed.
"""

from __future__ import annotations

import time
import unittest
import uuid

import requests

from tests import backends
from tests.functional import server as fserver
from tests.functional.base import _ClassLevel
from tests.scaleout import load, processes

# [transport] queue_metadata_cache_ttl of the nodes (seconds).
CACHE_TTL = 1.0
THREADS = 4


class APINodesTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        level = _ClassLevel()
        try:
            processes.binary('haproxy')
        except processes.ToolMissing as exc:
            backends.unavailable(level, 'haproxy', str(exc))
        cls.store = backends.ALL['redis'](level)
        uri, _ = cls.store.setup()
        cls.nodes = [fserver.Server(
            uri, 'redis', extra_conf=f'[transport]\nqueue_metadata_cache_ttl'
                                     f' = {CACHE_TTL}') for _ in range(3)]
        cls.topology = processes.Topology('zaqar-haproxy-')
        try:
            for node in cls.nodes:
                node.start()
            port = cls.topology.haproxy('haproxy',
                                        [n.port for n in cls.nodes])
            cls.url = f'http://127.0.0.1:{port}'
            cls._wait_all_up()
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.topology.close()
        for node in cls.nodes:
            node.stop()
        cls.store.cleanup()
        super().tearDownClass()

    @classmethod
    def _wait_all_up(cls, timeout: float = 15.0) -> None:
        """Until HAProxy's checks have marked the nodes up."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if all(requests.get(cls.url + '/healthcheck',
                                    timeout=2).status_code == 200
                       for _ in range(6)):
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError('HAProxy did not route to the nodes')

    def setUp(self):
        super().setUp()
        self.project = 'nodes-' + uuid.uuid4().hex[:8]

    def headers(self) -> dict:
        return {'Client-ID': str(uuid.uuid4()), 'X-Project-ID': self.project}

    def test_node_killed_under_load(self):
        poster = load.Poster(self.url, 'spread', self.project,
                             threads=THREADS).start()
        try:
            time.sleep(2)
            self.nodes[1].process.kill()
            self.nodes[1].process.wait()
            killed_at = time.monotonic()
            time.sleep(4)
        finally:
            poster.stop()
            # Back for the other tests of the class (same port).
            self.nodes[1].start()
        statuses = poster.statuses()
        failures = sum(n for s, n in statuses.items() if s != 201)
        # Each poster had at most one request in flight on the dead node.
        self.assertLessEqual(failures, THREADS, statuses)
        self.assertEqual(set(), set(statuses) - {201, 502, 503, 0},
                         statuses)
        self.assertGreater(poster.ok_after(killed_at + 1), 50, statuses)
        stored = load.stored_bodies(self.url, 'spread', self.project)
        self.assertEqual(len(stored), len(set(stored)), 'duplicates')
        self.assertEqual(set(), poster.acknowledged() - set(stored))
        print(f'api nodes: {len(poster.acknowledged())} acknowledged, '
              f'{failures} in-flight failures at the kill, 0 lost')

    def test_queue_settings_coherent_within_ttl(self):
        queue = 'settings'
        direct = [requests.Session() for _ in self.nodes]
        for session in direct:
            session.headers.update(self.headers())
        big = {'messages': [{'body': 'x' * 2000, 'ttl': 300}]}

        def post(index):
            return direct[index].post(
                f'{self.nodes[index].url}/v2/queues/{queue}/messages',
                json=big, timeout=10).status_code

        self.assertEqual(201, direct[0].put(
            f'{self.nodes[0].url}/v2/queues/{queue}', json={},
            timeout=10).status_code)
        # Every node has the settings in its cache now.
        self.assertEqual([201, 201, 201], [post(i) for i in range(3)])
        resp = direct[0].patch(
            f'{self.nodes[0].url}/v2/queues/{queue}',
            data='[{"op": "replace", "path": "/metadata/'
                 '_max_messages_post_size", "value": 1024}]',
            headers={'Content-Type':
                     'application/openstack-messaging-v2.0-json-patch'},
            timeout=10)
        self.assertEqual(200, resp.status_code, resp.text)
        time.sleep(CACHE_TTL + 0.5)
        self.assertEqual([400, 400, 400], [post(i) for i in range(3)])
