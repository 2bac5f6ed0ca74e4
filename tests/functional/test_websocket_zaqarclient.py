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

"""python-zaqarclient's websocket transport against zaqar-websocket.

The client's ``ws`` transport sends ``authenticate`` first (answered 200
with auth off), then one frame per request with the whole request in the
body; it raises its own error classes on 4xx/5xx statuses.
"""

from __future__ import annotations

import json
import uuid

from zaqarclient import errors as zerrors
from zaqarclient import transport
from zaqarclient.transport import errors as terrors
from zaqarclient.transport import request as zrequest

from tests.functional.test_websocket import WebSocketTestCase


class ZaqarClientWebSocketTest(WebSocketTestCase):

    with_http = False

    def setUp(self):
        super().setUp()
        self.project = 'zcws-' + uuid.uuid4().hex[:10]
        self.conf = {'auth_opts': {'backend': 'noauth', 'options': {
            'os_project_id': self.project, 'os_auth_token': 'unused'}}}
        self.transport = transport.get_transport_for(
            self.ws_server.url, version=2, options=self.conf)
        self.addCleanup(self.transport.cleanup)

    def send(self, operation: str, **body):
        req = zrequest.Request(self.ws_server.url, operation,
                               content=json.dumps(body) if body else None)
        return self.transport.send(req)

    def test_selects_the_websocket_transport(self):
        self.assertEqual('WebsocketTransport',
                         type(self.transport).__name__)

    def test_queue_message_claim_round_trip(self):
        resp = self.send('queue_create', queue_name='work')
        self.assertEqual(201, resp.status_code)
        self.assertEqual('Queue work created.', resp.deserialized_content)
        resp = self.send('message_post', queue_name='work', messages=[
            {'body': {'n': i}, 'ttl': 600} for i in range(5)])
        self.assertEqual(201, resp.status_code)
        ids = resp.deserialized_content['message_ids']
        self.assertEqual(5, len(ids))
        listed = self.send('message_list', queue_name='work', echo=True,
                           limit=5).deserialized_content['messages']
        self.assertEqual([{'n': i} for i in range(5)],
                         [m['body'] for m in listed])
        claim = self.send('claim_create', queue_name='work', ttl=120,
                          grace=60, limit=3).deserialized_content
        self.assertEqual(ids[:3], [m['id'] for m in claim['messages']])
        got = self.send('claim_get', queue_name='work',
                        claim_id=claim['claim_id']).deserialized_content
        self.assertEqual(120, got['ttl'])
        for message in claim['messages']:
            resp = self.send('message_delete', queue_name='work',
                             message_id=message['id'],
                             claim_id=claim['claim_id'])
            self.assertEqual(204, resp.status_code)
        self.send('claim_delete', queue_name='work',
                  claim_id=claim['claim_id'])
        stats = self.send('queue_get_stats', queue_name='work')
        self.assertEqual({'claimed': 0, 'free': 2, 'total': 2}, {
            k: v for k, v in stats.deserialized_content['messages'].items()
            if k in ('claimed', 'free', 'total')})
        queues = self.send('queue_list').deserialized_content['queues']
        self.assertEqual([{'name': 'work'}], queues)
        self.assertEqual(204, self.send('queue_delete',
                                        queue_name='work').status_code)

    def test_errors_become_client_exceptions(self):
        with self.assertRaises(terrors.ResourceNotFound) as caught:
            self.send('claim_get', queue_name='q', claim_id='nope')
        self.assertIn('Description: Claim nope does not exist.',
                      str(caught.exception))
        with self.assertRaises(terrors.MalformedRequest):
            self.send('message_post', queue_name='q', messages=[])
        with self.assertRaises(terrors.MalformedRequest) as caught:
            self.send('no_such_action')
        self.assertIn('no_such_action is not a valid action',
                      str(caught.exception))

    def test_client_errors_are_zaqarclient_errors(self):
        with self.assertRaises(zerrors.ZaqarError):
            self.send('queue_create', queue_name='no spaces')
