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

"""A guest provisioned by zaqar-agent, holding only its signed URLs."""

from __future__ import annotations

import datetime
import json
import os
import time

import oslo_messaging
import requests

from tests.agent import base
from zaqar.agent import credentials, naming


class TestGuest(base.AgentTestCase):

    def test_guest_serves_its_topic_and_gets_404_elsewhere(self):
        answer = self.provision('g1', '--calls')
        urls = answer['signed_urls']['urls']
        server_q = naming.server_queue('openstack', self.topic, 'g1')
        topic_q = naming.topic_queue('openstack', self.topic)
        fanout_q = naming.fanout_queue('openstack', self.topic)
        reply_q = answer['signed_urls']['reply_queue']
        # Exactly the paths and methods a guest RPC server needs.
        self.assertEqual(sorted([
            ([f'/v2/queues/{q}/claims'], ['DELETE', 'PATCH', 'POST'])
            for q in (server_q, topic_q)] + [
            ([f'/v2/queues/{q}/messages'], ['DELETE'])
            for q in (server_q, topic_q)] + [
            ([f'/v2/queues/{reply_q}/messages'], ['DELETE', 'GET']),
            ([f'/v2/queues/{fanout_q}/messages'], ['GET'])]),
            sorted((u['paths'], u['methods']) for u in urls))
        self.assertIn('#cloud-config', answer['user_data'])
        self.assertIn('signed_urls_file=', answer['transport_url'])

        self.spawn('rpc-server', 'g1', url=answer['transport_url'],
                   server='g1')
        client = oslo_messaging.get_rpc_client(
            self.rpc_transport(), oslo_messaging.Target(topic=self.topic),
            timeout=30)
        self.assertEqual({'i': 1, 'server': 'g1'},
                         client.prepare(server='g1').call({}, 'echo', i=1))
        self.assertEqual({'i': 2, 'server': 'g1'},
                         client.call({}, 'echo', i=2))
        client.prepare(fanout=True).cast({}, 'record', tag='fanout')
        self.wait_until(lambda: any(r.get('tag') == 'fanout' for r in
                                    self.events('g1', 'handled')),
                        30, 'the guest got the fanout cast')
        # The operator's debugging call, from the command line.
        out = self.zaqar_agent('call', '--topic', self.topic, '--server',
                               'g1', 'echo', 'i=3').stdout
        self.assertEqual({'i': 3, 'server': 'g1'}, json.loads(out))

        # Its signed URLs open nothing else: every other queue, path or
        # method is a 404.
        def as_guest(method, path, url):
            return requests.request(
                method, self.server.url + path, timeout=10,
                headers={**credentials.signed_headers(url),
                         'Client-ID': '5d0a2a52-9d24-4f0b-a3a3-3a6a1b0c7a11'},
                json={'messages': [{'body': 1}]} if method == 'POST'
                else None)
        fanout_url = next(u for u in urls if u['methods'] == ['GET'])
        claims_url = next(u for u in urls if 'POST' in u['methods'])
        self.assertEqual(200, as_guest(
            'GET', f'/v2/queues/{fanout_q}/messages', fanout_url).status_code)
        for method, path, url in [
                ('GET', '/v2/queues/other/messages', fanout_url),
                ('GET', f'/v2/queues/{fanout_q}/stats', fanout_url),
                ('POST', f'/v2/queues/{fanout_q}/messages', fanout_url),
                ('POST', f'/v2/queues/{topic_q}/messages', claims_url),
                ('GET', '/v2/queues', claims_url),
                ('DELETE', f'/v2/queues/{topic_q}', claims_url)]:
            resp = as_guest(method, path, url)
            self.assertEqual(404, resp.status_code, (method, path))
        # Rotation: a fresh set over the guest's file; it keeps serving.
        path = answer['signed_urls_path']
        self.zaqar_agent('rotate', '--topic', self.topic, '--server', 'g1',
                         '--calls', '--lifetime', '86400', '--output', path)
        with open(path) as f:
            rotated = json.load(f)
        self.assertNotEqual(answer['signed_urls']['urls'], rotated['urls'])
        self.assertEqual(0o600, os.stat(path).st_mode & 0o777)
        self.assertEqual({'i': 4, 'server': 'g1'},
                         client.prepare(server='g1').call({}, 'echo', i=4))
        # The driver refuses, before any request, what no URL covers.
        guest = self.rpc_transport(answer['transport_url'])
        other = oslo_messaging.get_rpc_server(
            guest, oslo_messaging.Target(topic='other', server='g1'), [])
        self.assertRaisesRegex(oslo_messaging.MessagingException,
                               'No signed URL of this guest allows',
                               other.start)

    def _guest_exits(self, name: str, url: str) -> str:
        proc = self.spawn('rpc-server', name, url=url, server=name,
                          wait_ready=False)
        self.assertNotEqual(0, proc.wait(timeout=60))
        return self.stderr_of(name)

    def test_expired_or_tampered_signed_urls_stop_the_guest_clearly(self):
        # Long enough for the share calls to finish under load.
        short = self.provision('g2', '--lifetime', '6')
        tampered = self.provision('g3')
        path = tampered['signed_urls_path']
        doc = tampered['signed_urls']
        for url in doc['urls']:
            last = url['signature'][-1]
            url['signature'] = url['signature'][:-1] + (
                '0' if last != '0' else '1')
        with open(path, 'w') as f:
            json.dump(doc, f)
        expires = datetime.datetime.fromisoformat(
            short['signed_urls']['expires'])
        left = (expires - credentials.utcnow()).total_seconds()
        time.sleep(max(0.0, left) + 1)
        stderr = self._guest_exits('g2', short['transport_url'])
        self.assertRegex(stderr, r'SignedURLRefused: the signed URL for '
                                 r'\S+ \S+ expired at ')
        stderr = self._guest_exits('g3', tampered['transport_url'])
        self.assertRegex(stderr, r'SignedURLRefused: the server rejected '
                                 r'the signed URL for .*signature does not '
                                 r'match')
