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

"""Queue, message and claim actions over WebSocket: the shared operations."""

from __future__ import annotations

from tests.functional.test_websocket import WebSocketTestCase

CLAIMED = ('This message is claimed; it cannot be deleted without a valid '
           'claim ID.')


class QueueActionsTest(WebSocketTestCase):

    def setUp(self):
        super().setUp()
        self.ws = self.client()

    def test_create_get_list_stats_delete(self):
        ws = self.ws
        self.assertEqual((201, 'Queue q1 created.'), ws.call(
            'queue_create', {'queue_name': 'q1', 'metadata': {'a': 1}}))
        # An existing queue keeps its metadata, as over HTTP.
        self.assertEqual((204, 'Queue q1 created.'), ws.call(
            'queue_create', {'queue_name': 'q1', 'metadata': {'a': 2}}))
        status, meta = ws.call('queue_get', {'queue_name': 'q1'})
        self.assertEqual(200, status)
        self.assertEqual(1, meta['a'])
        self.assertEqual(3600, meta['_default_message_ttl'])
        ws.call('queue_create', {'queue_name': 'q2'})
        self.assertEqual((200, {'queues': [{'name': 'q1'}, {'name': 'q2'}]}),
                         ws.call('queue_list', {}))
        status, body = ws.call('queue_list', {'limit': 1, 'detailed': True,
                                              'with_count': True})
        self.assertEqual(['q1'], [q['name'] for q in body['queues']])
        self.assertEqual(1, body['queues'][0]['metadata']['a'])
        self.assertEqual(2, body['count'])
        status, body = ws.call('queue_list', {'marker': 'q1'})
        self.assertEqual([{'name': 'q2'}], body['queues'])
        self.assertEqual((200, {'messages': {'claimed': 0, 'free': 0,
                                             'total': 0}}),
                         ws.call('queue_get_stats', {'queue_name': 'q1'}))
        self.assertEqual((204, 'Queue q1 removed.'),
                         ws.call('queue_delete', {'queue_name': 'q1'}))
        self.assertEqual([{'name': 'q2'}],
                         ws.call('queue_list', {})[1]['queues'])

    def test_http_and_websocket_see_the_same_queues(self):
        self.ws.call('queue_create', {'queue_name': 'shared'})
        resp = self.http(self.ws.project).get('/v2/queues')
        self.assertEqual(['shared'], [q['name'] for q in
                                      resp.json()['queues']])

    def test_validation_failures_carry_the_api_message(self):
        ws = self.ws
        self.assertEqual((400, {
            'exception': 'The format of the submitted queue name or project '
                         'id is not valid.', 'error': None}),
            ws.call('queue_create', {'queue_name': 'bad name'}))
        status, body = ws.call('queue_create', {
            'queue_name': 'q', 'metadata': {'_default_message_ttl': 30}})
        self.assertEqual(400, status)
        self.assertIsNone(body['error'])
        self.assertIn('_default_message_ttl', body['exception'])
        self.assertEqual(400, ws.call('queue_list', {'limit': 21})[0])
        self.assertEqual(400, ws.call('queue_create', {
            'queue_name': 'q', 'metadata': [1]})[0])

    def test_purge_validates_resource_types(self):
        ws = self.ws
        ws.call('message_post', {'queue_name': 'pg',
                                 'messages': [{'body': 1}]})
        status, body = ws.call('queue_purge', {'queue_name': 'pg',
                                               'resource_types': ['foo']})
        self.assertEqual(400, status)
        self.assertIn('Resource types must be a sub set', body['exception'])
        self.assertEqual((204, {}), ws.call('queue_purge', {
            'queue_name': 'pg', 'resource_types': ['messages']}))
        self.assertEqual(0, ws.call('queue_get_stats', {
            'queue_name': 'pg'})[1]['messages']['total'])

    def test_projects_are_isolated(self):
        self.ws.call('queue_create', {'queue_name': 'mine'})
        other = self.client()
        self.assertEqual((200, {'queues': []}), other.call('queue_list', {}))
        # One connection may act for several projects (auth off).
        self.assertEqual([{'name': 'mine'}], other.call(
            'queue_list', {}, headers=self.ws.headers)[1]['queues'])


class MessageActionsTest(WebSocketTestCase):

    def setUp(self):
        super().setUp()
        self.ws = self.client()

    def post(self, queue: str, *bodies, ws=None) -> list[str]:
        status, body = (ws or self.ws).call('message_post', {
            'queue_name': queue, 'messages': [{'body': b} for b in bodies]})
        self.assertEqual(201, status, body)
        return body['message_ids']

    def test_post_list_get_delete(self):
        ws = self.ws
        ids = self.post('m', 'a', 'b')
        self.assertEqual((200, {'messages': []}),
                         ws.call('message_list', {'queue_name': 'm'}))
        status, body = ws.call('message_list', {'queue_name': 'm',
                                                'echo': True, 'limit': 1})
        self.assertEqual([ids[0]], [m['id'] for m in body['messages']])
        self.assertEqual({'id', 'claim_id', 'ttl', 'age', 'body'},
                         set(body['messages'][0]))
        other = self.client(project=ws.project)
        self.assertEqual(['a', 'b'], [m['body'] for m in other.call(
            'message_list', {'queue_name': 'm'})[1]['messages']])
        status, body = ws.call('message_get', {'queue_name': 'm',
                                               'message_id': ids[1]})
        self.assertEqual(200, status)
        self.assertEqual('b', body['messages']['body'])
        status, body = ws.call('message_get_many', {
            'queue_name': 'm', 'message_ids': [ids[1], 'nope']})
        self.assertEqual(['b'], [m['body'] for m in body['messages']])
        self.assertEqual((200, {'messages': []}), ws.call(
            'message_get_many', {'queue_name': 'm', 'message_ids': ['x']}))
        self.assertEqual((204, {}), ws.call('message_delete', {
            'queue_name': 'm', 'message_id': ids[0]}))
        status, body = ws.call('message_get', {'queue_name': 'm',
                                               'message_id': ids[0]})
        self.assertEqual(404, status)
        self.assertEqual(f'Message {ids[0]} does not exist.', body['error'])
        self.assertEqual(f'Message {ids[0]} does not exist in queue m for '
                         f'project {ws.project}', body['exception'])

    def test_post_validation(self):
        ws = self.ws
        self.assertEqual((400, {'exception': 'No messages to enqueu.',
                                'error': None}),
                         ws.call('message_post', {'queue_name': 'v',
                                                  'messages': []}))
        self.assertEqual((400, {'exception': 'Missing "body" field.',
                                'error': None}),
                         ws.call('message_post', {'queue_name': 'v',
                                                  'messages': [{'ttl': 60}]}))
        status, body = ws.call('message_post', {
            'queue_name': 'v', 'messages': [{'body': 1, 'ttl': 59}]})
        self.assertEqual(400, status)
        self.assertIn('The TTL for a message', body['exception'])
        status, body = ws.call('message_post', {
            'queue_name': 'v', 'messages': [{'body': 'x' * 262144}]})
        self.assertEqual(400, status)
        self.assertIn('Message collection size is too large',
                      body['exception'])

    def test_queue_default_delay_is_honoured(self):
        ws = self.ws
        ws.call('queue_create', {'queue_name': 'slow', 'metadata': {
            '_default_message_delay': 300}})
        self.post('slow', 'later')
        self.assertEqual([], ws.call('message_list', {
            'queue_name': 'slow', 'echo': True})[1]['messages'])
        self.assertEqual(['later'], [m['body'] for m in ws.call(
            'message_list', {'queue_name': 'slow', 'echo': True,
                             'include_delayed': True})[1]['messages']])
        self.assertEqual(204, ws.call('claim_create', {
            'queue_name': 'slow'})[0])

    def test_bulk_delete_and_pop(self):
        ws = self.ws
        ids = self.post('bulk', 1, 2, 3, 4)
        self.assertEqual((204, {}), ws.call('message_delete_many', {
            'queue_name': 'bulk', 'message_ids': ids[:2]}))
        status, body = ws.call('message_delete_many', {'queue_name': 'bulk',
                                                       'pop': 1})
        self.assertEqual(200, status)
        self.assertEqual([3], [m['body'] for m in body['messages']])
        self.assertEqual(400, ws.call('message_delete_many', {
            'queue_name': 'bulk'})[0])
        self.assertEqual(400, ws.call('message_delete_many', {
            'queue_name': 'bulk', 'pop': 21})[0])
        self.assertEqual(400, ws.call('message_delete_many', {
            'queue_name': 'bulk', 'pop': 1, 'message_ids': ids})[0])


class ClaimActionsTest(WebSocketTestCase):

    def setUp(self):
        super().setUp()
        self.ws = self.client()

    def test_claim_lifecycle(self):
        ws = self.ws
        ws.call('message_post', {'queue_name': 'c', 'messages': [
            {'body': i} for i in range(3)]})
        status, body = ws.call('claim_create', {
            'queue_name': 'c', 'ttl': 120, 'grace': 60, 'limit': 2})
        self.assertEqual(201, status)
        claim_id = body['claim_id']
        self.assertEqual([0, 1], [m['body'] for m in body['messages']])
        self.assertEqual({claim_id}, {m['claim_id'] for m in body['messages']})
        status, claim = ws.call('claim_get', {'queue_name': 'c',
                                              'claim_id': claim_id})
        self.assertEqual(200, status)
        self.assertEqual(120, claim['ttl'])
        self.assertEqual(2, len(claim['messages']))
        self.assertEqual((204, f'Claim {claim_id} updated.'), ws.call(
            'claim_update', {'queue_name': 'c', 'claim_id': claim_id,
                             'ttl': 300}))
        self.assertEqual(300, ws.call('claim_get', {
            'queue_name': 'c', 'claim_id': claim_id})[1]['ttl'])
        first = body['messages'][0]['id']
        self.assertEqual((403, {'exception': f'Message {first} is claimed',
                                'error': CLAIMED}),
                         ws.call('message_delete', {'queue_name': 'c',
                                                    'message_id': first}))
        self.assertEqual((204, {}), ws.call('message_delete', {
            'queue_name': 'c', 'message_id': first, 'claim_id': claim_id}))
        self.assertEqual((204, f'Claim {claim_id} deleted.'), ws.call(
            'claim_delete', {'queue_name': 'c', 'claim_id': claim_id}))
        status, body = ws.call('claim_get', {'queue_name': 'c',
                                             'claim_id': claim_id})
        self.assertEqual(404, status)
        self.assertEqual(f'Claim {claim_id} does not exist.', body['error'])

    def test_nothing_to_claim_is_204_without_a_claim_id(self):
        self.assertEqual((204, {'claim_id': None, 'messages': []}),
                         self.ws.call('claim_create', {'queue_name': 'none'}))

    def test_claim_validation(self):
        ws = self.ws
        self.assertEqual((400, {
            'exception': 'The value of the "ttl" field must be a int.',
            'error': None}),
            ws.call('claim_create', {'queue_name': 'c', 'ttl': '60'}))
        status, body = ws.call('claim_create', {'queue_name': 'c',
                                                'grace': 59})
        self.assertEqual(400, status)
        self.assertIn('The grace for a claim', body['exception'])
        self.assertEqual(400, ws.call('claim_create', {
            'queue_name': 'c', 'limit': 21})[0])

    def test_delete_with_an_unknown_claim_id_is_400(self):
        ws = self.ws
        ids = ws.call('message_post', {'queue_name': 'w', 'messages': [
            {'body': 1}]})[1]['message_ids']
        self.assertEqual((400, {
            'exception': f'Claim nope does not exist in queue w for project '
                         f'{ws.project}',
            'error': 'The specified claim does not exist or has expired.'}),
            ws.call('message_delete', {'queue_name': 'w',
                                       'message_id': ids[0],
                                       'claim_id': 'nope'}))
