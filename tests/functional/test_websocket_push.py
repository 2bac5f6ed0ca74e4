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

"""Push: a connection subscribes to a queue and receives messages posted to it.

``PushTest`` runs with the default push source (the notification pipeline
when the store has its outbox: at least once, in no set order, like
webhooks); ``PollingPushTest`` with the polling source, which keeps the
queue's order.
"""

from __future__ import annotations

import time

import msgpack

from tests.functional.test_websocket import WebSocketTestCase


class PushTest(WebSocketTestCase):

    # Unlimited request rate: one test subscribes a hundred times.
    ws_extra = 'max_requests_per_second = 0'

    def subscribe(self, ws, queue: str, **kw) -> str:
        status, body = ws.call('subscription_create', {'queue_name': queue},
                               **kw)
        self.assertEqual(201, status, body)
        self.assertEqual(f'Subscription {queue} created.', body['message'])
        return body['subscription_id']

    def post_http(self, project: str, queue: str, *bodies) -> list[str]:
        resp = self.http(project).post(
            f'/v2/queues/{queue}/messages',
            json={'messages': [{'body': b} for b in bodies]})
        self.assertEqual(201, resp.status_code, resp.text)
        return [href.rsplit('/', 1)[1] for href in resp.json()['resources']]

    ordered = False

    def pushed(self, ws, count: int) -> list[dict]:
        """The next ``count`` pushes (in id order unless ``ordered``)."""
        got = [ws.recv(timeout=10) for _ in range(count)]
        return got if self.ordered else sorted(got, key=lambda p: p['id'])

    def same(self, ids: list[str]) -> list[str]:
        return ids if self.ordered else sorted(ids)

    def test_messages_posted_over_http_are_pushed(self):
        ws = self.client()
        self.subscribe(ws, 'feed')
        ids = self.post_http(ws.project, 'feed', 'one', {'n': 2}, [3])
        pushed = self.pushed(ws, len(ids))
        self.assertEqual(self.same(ids), [p['id'] for p in pushed])
        bodies = dict(zip(ids, ['one', {'n': 2}, [3]]))
        self.assertEqual([bodies[p['id']] for p in pushed],
                         [p['body'] for p in pushed])
        self.assertEqual({'feed'}, {p['queue_name'] for p in pushed})
        self.assertEqual({3600}, {p['ttl'] for p in pushed})

    def test_messages_posted_over_websocket_are_pushed(self):
        ws = self.client()
        self.subscribe(ws, 'loop')
        other = self.client(project=ws.project)
        ids = other.call('message_post', {'queue_name': 'loop', 'messages': [
            {'body': 'x'}]})[1]['message_ids']
        self.assertEqual(ids[0], ws.recv(timeout=10)['id'])

    def test_a_binary_subscription_gets_messagepack_pushes(self):
        ws = self.client(binary=True)
        self.subscribe(ws, 'bin')
        self.post_http(ws.project, 'bin', {'k': 'v'})
        frame = ws.ws.recv(timeout=10)
        self.assertIsInstance(frame, bytes)
        self.assertEqual({'k': 'v'}, msgpack.unpackb(frame)['body'])

    def test_only_messages_posted_after_subscribing_are_pushed(self):
        ws = self.client()
        self.post_http(ws.project, 'late', 'before')
        self.subscribe(ws, 'late')
        self.post_http(ws.project, 'late', 'after')
        self.assertEqual('after', ws.recv(timeout=10)['body'])
        self.assertRaises(TimeoutError, ws.recv, timeout=1)

    def test_other_projects_and_queues_are_not_pushed(self):
        ws = self.client()
        self.subscribe(ws, 'mine')
        self.post_http('someone-else', 'mine', 'theirs')
        self.post_http(ws.project, 'other-queue', 'elsewhere')
        self.post_http(ws.project, 'mine', 'ours')
        self.assertEqual('ours', ws.recv(timeout=10)['body'])
        self.assertRaises(TimeoutError, ws.recv, timeout=1)

    def test_get_list_delete_and_delete_stops_pushes(self):
        ws = self.client()
        sub_id = self.subscribe(ws, 'gl')
        status, sub = ws.call('subscription_get', {'queue_name': 'gl',
                                                   'subscription_id': sub_id})
        self.assertEqual(200, status)
        self.assertEqual(sub_id, sub['id'])
        self.assertEqual('gl', sub['source'])
        self.assertEqual(3600, sub['ttl'])
        status, listed = ws.call('subscription_list', {'queue_name': 'gl'})
        self.assertEqual([sub_id], [s['id'] for s in listed['subscriptions']])
        self.assertEqual((200, {'subscriptions': []}), ws.call(
            'subscription_list', {'queue_name': 'other'}))
        self.assertEqual((204, f'Subscription {sub_id} removed.'), ws.call(
            'subscription_delete', {'queue_name': 'gl',
                                    'subscription_id': sub_id}))
        self.post_http(ws.project, 'gl', 'nobody listens')
        self.assertEqual((204, {}), ws.call('ping_node'))
        self.assertRaises(TimeoutError, ws.recv, timeout=1)
        status, body = ws.call('subscription_get', {
            'queue_name': 'gl', 'subscription_id': sub_id})
        self.assertEqual(404, status)
        self.assertEqual(f'Subscription {sub_id} for queue gl does not '
                         f'exist.', body['error'])

    def test_two_connections_on_one_queue_each_get_every_message(self):
        first, second = self.client(), None
        second = self.client(project=first.project)
        self.subscribe(first, 'fan')
        self.subscribe(second, 'fan')
        ids = self.post_http(first.project, 'fan', 1, 2)
        for ws in (first, second):
            self.assertEqual(self.same(ids),
                             [p['id'] for p in self.pushed(ws, len(ids))])

    def test_a_connection_holds_a_bounded_number_of_subscriptions(self):
        from zaqar.api import connection_subscriptions
        ws = self.client()
        for n in range(connection_subscriptions.MAX_PER_CONNECTION):
            self.assertEqual(201, ws.call('subscription_create', {
                'queue_name': f'many{n % 7}'})[0])
        status, body = ws.call('subscription_create', {'queue_name': 'one'})
        self.assertEqual(400, status)
        self.assertIn('at most', body['exception'])

    def test_subscription_validation(self):
        ws = self.client()
        status, body = ws.call('subscription_create', {'queue_name': 'v',
                                                       'ttl': 59})
        self.assertEqual((400, None), (status, body['error']))
        self.assertEqual('The TTL for a subscription must be at least 60 '
                         'seconds long.', body['exception'])
        self.assertEqual((400, {'exception': 'Options must be a dict.',
                                'error': None}),
                         ws.call('subscription_create', {
                             'queue_name': 'v', 'options': [1]}))
        self.assertEqual(400, ws.call('subscription_create', {
            'queue_name': 'bad name'})[0])

    def test_url_subscribers_use_the_subscription_operations(self):
        ws = self.client()
        status, body = ws.call('subscription_create', {
            'queue_name': 'hooks', 'subscriber': 'http://127.0.0.1:9/hook',
            'ttl': 600})
        self.assertEqual(201, status, body)
        self.assertTrue(body['secret'])
        sub_id = body['subscription_id']
        status, sub = ws.call('subscription_get', {
            'queue_name': 'hooks', 'subscription_id': sub_id})
        self.assertEqual((200, 'http://127.0.0.1:9/hook', 600),
                         (status, sub['subscriber'], sub['ttl']))
        resp = self.http(ws.project).get(
            f'/v2/queues/hooks/subscriptions/{sub_id}')
        self.assertEqual(200, resp.status_code)
        self.assertEqual(204, ws.call('subscription_delete', {
            'queue_name': 'hooks', 'subscription_id': sub_id})[0])
        self.assertEqual(404, self.http(ws.project).get(
            f'/v2/queues/hooks/subscriptions/{sub_id}').status_code)
        status, body = ws.call('subscription_create', {
            'queue_name': 'hooks', 'subscriber': 'ftp://x/y'})
        self.assertEqual(400, status)
        self.assertIsNone(body['error'])

    def test_a_closed_connection_leaves_no_subscription_behind(self):
        ws = self.client()
        self.subscribe(ws, 'gone')
        http = self.http(ws.project)
        listed = http.get('/v2/queues/gone/subscriptions').json()
        self.assertEqual(1 if not self.ordered else 0,
                         len(listed['subscriptions']))
        ws.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            listed = http.get('/v2/queues/gone/subscriptions').json()
            if not listed['subscriptions']:
                break
            time.sleep(0.1)
        self.assertEqual([], listed['subscriptions'])


class PollingPushTest(PushTest):
    """The same behaviour from the polling push source, in queue order."""

    ws_extra = 'max_requests_per_second = 0\npush_source = poll'
    ordered = True


class ReferenceSettingsPushTest(WebSocketTestCase):
    """Pipeline push with a reference deployment's explicit settings.

    ``subscriber_types`` lacks zaqar-push and confirmation is required:
    the server's own subscriptions still work (the scheme needs no
    confirmation), while clients may not name the scheme themselves.
    """

    http_extra = ('[transport]\nsubscriber_types = http,https\n'
                  '[notification]\nrequire_confirmation = true\n'
                  'delivery_poll_interval = 0.2\n')
    ws_extra = 'max_requests_per_second = 0'

    def test_pushes_arrive_without_confirmation(self):
        ws = self.client()
        status, body = ws.call('subscription_create', {
            'queue_name': 'ref', 'options': {
                'post_data': {'wrapped': '$zaqar_message$'},
                'post_headers': {'X-Extra': 'x'}}})
        self.assertEqual(201, status, body)
        sub_id = body['subscription_id']
        listed = self.http(ws.project).get(
            '/v2/queues/ref/subscriptions').json()['subscriptions']
        [stored] = listed
        self.assertEqual(sub_id, stored['id'])
        self.assertRegex(stored['subscriber'],
                         r'^zaqar-push://127\.0\.0\.1:\d+/push/[\w-]+$')
        resp = self.http(ws.project).post(
            '/v2/queues/ref/messages', json={'messages': [{'body': 'hi'}]})
        self.assertEqual(201, resp.status_code, resp.text)
        # The scheme drops the formatting options: the plain document.
        pushed = ws.recv(timeout=10)
        self.assertEqual('hi', pushed['body'])
        self.assertNotIn('wrapped', pushed)

    def test_clients_may_not_use_the_scheme_unlisted(self):
        ws = self.client()
        uri = 'zaqar-push://127.0.0.1:9/push/abc'
        status, body = ws.call('subscription_create', {
            'queue_name': 'ref2', 'subscriber': uri})
        self.assertEqual(400, status, body)
        resp = self.http(ws.project).post(
            '/v2/queues/ref2/subscriptions', json={'subscriber': uri})
        self.assertEqual(400, resp.status_code, resp.text)
