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

"""dedup_id and group over HTTP and WebSocket (the shared post operation)."""

from __future__ import annotations

from tests.functional import base
from tests.functional.test_websocket import WebSocketTestCase


class DedupGroupHTTPTest(base.ServerTestCase):

    def post(self, queue, messages):
        return self.http.post(f'/v2/queues/{queue}/messages',
                              json={'messages': messages})

    def test_repeated_dedup_id_answers_with_the_original_href(self):
        first = self.post('dd', [{'body': 1, 'dedup_id': 'order-1'}])
        self.assertEqual(201, first.status_code, first.text)
        again = self.post('dd', [{'body': 2}, {'body': 3,
                                               'dedup_id': 'order-1'}])
        self.assertEqual(201, again.status_code, again.text)
        hrefs = again.json()['resources']
        self.assertEqual(first.json()['resources'][0], hrefs[1])
        listed = self.http.get('/v2/queues/dd/messages?echo=true').json()
        self.assertEqual([1, 2], [m['body'] for m in listed['messages']])
        self.assertEqual('order-1', listed['messages'][0]['dedup_id'])
        self.assertNotIn('dedup_id', listed['messages'][1])

    def test_get_and_claim_show_group_and_dedup_id(self):
        resp = self.post('gr', [{'body': 'a', 'group': 'acct-7',
                                 'dedup_id': 'x'},
                                {'body': 'b', 'group': 'acct-7'}])
        href = resp.json()['resources'][0]
        got = self.http.get(href).json()
        self.assertEqual(('acct-7', 'x'), (got['group'], got['dedup_id']))
        claim = self.http.post('/v2/queues/gr/claims',
                               json={'ttl': 60, 'grace': 60})
        self.assertEqual(201, claim.status_code, claim.text)
        self.assertEqual([('a', 'acct-7')], [
            (m['body'], m['group']) for m in claim.json()['messages']])
        # The rest of the group waits for the claimed message.
        self.assertEqual(204, self.http.post(
            '/v2/queues/gr/claims', json={'ttl': 60, 'grace': 60}
        ).status_code)

    def test_field_errors_are_400(self):
        for bad in ({'dedup_id': ''}, {'dedup_id': 'x' * 129},
                    {'dedup_id': 5}, {'group': ''}, {'group': 'g' * 129},
                    {'group': ['g']}):
            resp = self.post('bad', [dict(bad, body=1)])
            self.assertEqual(400, resp.status_code, (bad, resp.text))
            self.assertEqual({'title', 'description'}, set(resp.json()))
        self.assertEqual(201, self.post('bad', [
            {'body': 1, 'dedup_id': 'x' * 128, 'group': 'g' * 128}
        ]).status_code)

    def test_dedup_window_is_a_validated_queue_setting(self):
        self.assertEqual(201, self.http.put('/v2/queues/dw').status_code)
        meta = self.http.get('/v2/queues/dw').json()
        self.assertEqual(300, meta['_dedup_window'])
        for bad in (-1, 86401, 'x', 1.5, True):
            resp = self.http.put('/v2/queues/dw2', json={'_dedup_window': bad})
            self.assertEqual(400, resp.status_code, (bad, resp.text))
        self.assertEqual(201, self.http.put(
            '/v2/queues/off', json={'_dedup_window': 0}).status_code)
        self.assertEqual(0, self.http.get('/v2/queues/off').json()[
            '_dedup_window'])
        first = self.post('off', [{'body': 1, 'dedup_id': 'k'}])
        again = self.post('off', [{'body': 2, 'dedup_id': 'k'}])
        self.assertNotEqual(first.json()['resources'],
                            again.json()['resources'])
        resp = self.http.patch(
            '/v2/queues/off', json=[{'op': 'replace',
                                     'path': '/metadata/_dedup_window',
                                     'value': 86401}],
            headers={'Content-Type':
                     'application/openstack-messaging-v2.0-json-patch'})
        self.assertEqual(400, resp.status_code, resp.text)

    def test_plain_messages_show_no_new_fields(self):
        self.post('plain', [{'body': 1}])
        msg = self.http.get('/v2/queues/plain/messages?echo=true').json()[
            'messages'][0]
        self.assertEqual(['id', 'href', 'ttl', 'age', 'body'], list(msg))


class DedupGroupWebSocketTest(WebSocketTestCase):

    def test_post_dedup_and_group_claims(self):
        ws = self.client()
        status, body = ws.call('message_post', {
            'queue_name': 'w', 'messages': [
                {'body': 1, 'dedup_id': 'k', 'group': 'g'},
                {'body': 2, 'dedup_id': 'k'},
                {'body': 3, 'group': 'g'}]})
        self.assertEqual(201, status, body)
        ids = body['message_ids']
        self.assertEqual(ids[0], ids[1])
        status, body = ws.call('message_get', {'queue_name': 'w',
                                               'message_id': ids[0]})
        self.assertEqual(('k', 'g'), (body['messages']['dedup_id'],
                                      body['messages']['group']))
        status, body = ws.call('claim_create', {'queue_name': 'w',
                                                'ttl': 60, 'grace': 60})
        self.assertEqual(201, status)
        self.assertEqual([1], [m['body'] for m in body['messages']])
        status, body = ws.call('message_post', {
            'queue_name': 'w', 'messages': [{'body': 1, 'dedup_id': ''}]})
        self.assertEqual(400, status)
