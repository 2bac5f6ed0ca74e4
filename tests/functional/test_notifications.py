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

"""Webhook delivery end to end: a live server and a local HTTP subscriber."""

from __future__ import annotations

import http.server
import json
import threading
import time
import uuid

from tests.functional import base
from tests.functional.test_subscriptions import conf
from zaqar.notification.tasks import webhook


class Receiver:
    """A webhook subscriber on 127.0.0.1 recording every request.

    ``answer(path, document, attempt)`` decides the status (attempt counts
    requests per ``X-Zaqar-Delivery``, from 1).
    """

    def __init__(self, answer=None):
        self.answer = answer or (lambda path, doc, attempt: 204)
        self.requests: list[dict] = []
        self.lock = threading.RLock()
        self.attempts: dict[str, int] = {}
        self.arrived = threading.Condition(self.lock)
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            # Keep-alive, as real receivers do (connections are reused).
            protocol_version = 'HTTP/1.1'

            def do_POST(self):
                raw = self.rfile.read(int(self.headers['Content-Length']))
                now = time.time()
                try:
                    document = json.loads(raw)
                except ValueError:
                    document = None
                with receiver.lock:
                    key = self.headers.get(webhook.DELIVERY) or str(now)
                    attempt = receiver.attempts.get(key, 0) + 1
                    receiver.attempts[key] = attempt
                if document is None:
                    # A sender killed mid-request leaves a truncated body.
                    status = 400
                else:
                    status = receiver.answer(self.path, document, attempt)
                with receiver.arrived:
                    receiver.requests.append({
                        'path': self.path, 'headers': dict(self.headers),
                        'raw': raw, 'doc': document, 'at': now,
                        'status': status, 'attempt': attempt})
                    receiver.arrived.notify_all()
                self.send_response(status)
                self.send_header('Content-Length', '0')
                self.end_headers()

            def log_message(self, *args):
                pass

        class Server(http.server.ThreadingHTTPServer):
            # The default backlog (5) drops connection attempts from a
            # notifier's parallel workers; the retransmission costs 1 s.
            request_queue_size = 128

        self.server = Server(('127.0.0.1', 0), Handler)
        self.server.daemon_threads = True
        self.url = f'http://127.0.0.1:{self.server.server_address[1]}'
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait(self, predicate, timeout: float = 30.0) -> list[dict]:
        """Wait until ``predicate(requests)``; return the requests."""
        deadline = time.monotonic() + timeout
        with self.arrived:
            while not predicate(self.requests):
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.arrived.wait(left)
            return list(self.requests)

    def delivered(self, path: str | None = None) -> list[dict]:
        with self.lock:
            return [r for r in self.requests if 200 <= r['status'] < 300
                    and (path is None or r['path'] == path)]


class WebhookTest(base.ServerTestCase):

    extra_conf = conf('[notification]', 'delivery_poll_interval = 0.2',
                      'delivery_lease = 5')

    def setUp(self):
        super().setUp()
        self.receiver = Receiver(self.answer)
        self.addCleanup(self.receiver.close)
        self.statuses: dict[str, list[int]] = {}

    def answer(self, path, document, attempt):
        """Per-path scripted statuses (then 204)."""
        script = self.statuses.get(path, [])
        if attempt <= len(script):
            return script[attempt - 1]
        return 204

    def subscribe(self, queue: str, path: str, **body) -> dict:
        resp = self.http.post(f'/v2/queues/{queue}/subscriptions', json=dict(
            body, subscriber=self.receiver.url + path))
        self.assertEqual(201, resp.status_code, resp.text)
        return resp.json()

    def post(self, queue: str, *bodies, **extra) -> list[str]:
        resp = self.http.post(f'/v2/queues/{queue}/messages', json={
            'messages': [dict(extra, body=b) for b in bodies]})
        self.assertEqual(201, resp.status_code, resp.text)
        return [href.rsplit('/', 1)[1] for href in resp.json()['resources']]

    def wait_delivered(self, path: str, count: int, timeout: float = 30.0):
        self.receiver.wait(lambda _: len(self.receiver.delivered(path))
                           >= count, timeout)
        got = self.receiver.delivered(path)
        self.assertGreaterEqual(len(got), count, self.server.log_tail())
        return got

    def test_a_post_is_delivered_signed(self):
        sub = self.subscribe('wh', '/signed')
        (message_id,) = self.post('wh', {'event': 'created'}, ttl=300)
        (request,) = self.wait_delivered('/signed', 1)
        self.assertEqual({'id': message_id, 'body': {'event': 'created'},
                          'ttl': 300, 'queue_name': 'wh',
                          'Message_Type': 'Notification'}, request['doc'])
        headers = request['headers']
        self.assertEqual('application/json', headers['Content-Type'])
        self.assertEqual(sub['subscription_id'],
                         headers[webhook.SUBSCRIPTION])
        stamp = headers[webhook.TIMESTAMP]
        self.assertLess(abs(int(stamp) - time.time()), 60)
        self.assertTrue(webhook.verify(sub['secret'], stamp, request['raw'],
                                       headers[webhook.SIGNATURE]))
        self.assertFalse(webhook.verify('wrong', stamp, request['raw'],
                                        headers[webhook.SIGNATURE]))

    def test_dedup_id_and_group_are_delivered_when_posted(self):
        self.subscribe('dg', '/dg')
        resp = self.http.post('/v2/queues/dg/messages', json={'messages': [
            {'body': 1, 'ttl': 300, 'dedup_id': 'order-7', 'group': 'cart'},
            {'body': 2, 'ttl': 300}]})
        self.assertEqual(201, resp.status_code, resp.text)
        docs = sorted((r['doc'] for r in self.wait_delivered('/dg', 2)),
                      key=lambda doc: doc['body'])
        self.assertEqual(('order-7', 'cart'),
                         (docs[0]['dedup_id'], docs[0]['group']))
        self.assertEqual({'id', 'body', 'ttl', 'queue_name', 'Message_Type'},
                         set(docs[1]))

    def test_every_message_of_a_batch_to_every_subscriber(self):
        self.subscribe('fan', '/a')
        self.subscribe('fan', '/b')
        ids = self.post('fan', 1, 2, 3)
        for path in ('/a', '/b'):
            got = self.wait_delivered(path, 3)
            self.assertEqual(sorted(ids), sorted(r['doc']['id'] for r in got))

    def test_post_data_template_and_post_headers(self):
        self.subscribe('tpl', '/tpl', options={
            'post_data': {'wrapped': '$zaqar_message$', 'source': 'zaqar'},
            'post_headers': {'X-Custom': 'yes', 'X-Zaqar-Signature': 'forged'}})
        self.post('tpl', 'hello')
        (request,) = self.wait_delivered('/tpl', 1)
        self.assertEqual('zaqar', request['doc']['source'])
        self.assertEqual('hello', request['doc']['wrapped']['body'])
        self.assertEqual('yes', request['headers']['X-Custom'])
        self.assertTrue(request['headers'][webhook.SIGNATURE].startswith(
            'sha256='))

    def test_string_post_data_template(self):
        self.subscribe('tpls', '/tpls', options={
            'post_data': '{"m": "$zaqar_message$", "n": 1}'})
        self.post('tpls', [1, 2])
        (request,) = self.wait_delivered('/tpls', 1)
        self.assertEqual(([1, 2], 1), (request['doc']['m']['body'],
                                       request['doc']['n']))

    def test_server_errors_are_retried_with_the_same_delivery_id(self):
        self.statuses['/flaky'] = [500, 503]
        self.subscribe('retry', '/flaky')
        self.post('retry', 'x')
        self.wait_delivered('/flaky', 1)
        attempts = [r for r in self.receiver.requests if r['path'] == '/flaky']
        self.assertEqual([500, 503, 204], [r['status'] for r in attempts])
        self.assertEqual(1, len({r['headers'][webhook.DELIVERY]
                                 for r in attempts}))

    def test_a_client_error_fails_at_once_and_is_recorded(self):
        self.statuses['/gone'] = [404]
        sub = self.subscribe('perm', '/gone')
        self.post('perm', 'x')
        path = f'/v2/queues/perm/subscriptions/{sub["subscription_id"]}'
        deliveries = self._wait_failures(path, 1)
        self.assertEqual(1, deliveries['failed'])
        self.assertEqual('HTTP 404 Not Found', deliveries['last_error'])
        self.assertRegex(deliveries['last_failure_at'],
                         r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$')
        self.assertEqual(1, len([r for r in self.receiver.requests
                                 if r['path'] == '/gone']))

    def test_exhausted_retry_policy_is_recorded(self):
        self.statuses['/down'] = [500] * 100
        policy = {'retries_with_no_delay': 2, 'minimum_delay_retries': 0,
                  'minimum_delay': 0, 'maximum_delay': 10,
                  'maximum_delay_retries': 0,
                  'retry_backoff_function': 'geometric'}
        sub = self.subscribe('exh', '/down',
                             options={'_retry_policy': policy})
        self.post('exh', 'x')
        path = f'/v2/queues/exh/subscriptions/{sub["subscription_id"]}'
        deliveries = self._wait_failures(path, 1)
        self.assertEqual('HTTP 500 Internal Server Error',
                         deliveries['last_error'])
        # 1 + 2 immediate + 20 geometric steps of 0 s (minimum 0).
        self.assertEqual(23, len([r for r in self.receiver.requests
                                  if r['path'] == '/down']))

    def test_queue_retry_policy_applies_without_a_subscription_one(self):
        self.statuses['/qpol'] = [500] * 100
        self.assertEqual(201, self.http.put('/v2/queues/qpol', json={
            '_retry_policy': {'retries_with_no_delay': 1,
                              'minimum_delay_retries': 0,
                              'maximum_delay_retries': 0,
                              'minimum_delay': 50,
                              'maximum_delay': 60}}).status_code)
        sub = self.subscribe('qpol', '/qpol')
        self.post('qpol', 'x')
        path = f'/v2/queues/qpol/subscriptions/{sub["subscription_id"]}'
        # 2 attempts, then linear steps would start at 55 s: the test
        # waits for the 2 quick ones and sees no third within 3 s.
        self.receiver.wait(lambda rs: len([r for r in rs
                                           if r['path'] == '/qpol']) >= 2)
        time.sleep(3)
        self.assertEqual(2, len([r for r in self.receiver.requests
                                 if r['path'] == '/qpol']))
        self.assertEqual(0, self.http.get(path).json()['deliveries']['failed'])

    def test_deleted_subscription_gets_nothing_more(self):
        sub = self.subscribe('gone', '/deleted')
        self.http.delete(f'/v2/queues/gone/subscriptions/'
                         f'{sub["subscription_id"]}')
        self.post('gone', 'x')
        self.subscribe('gone', '/after')
        self.post('gone', 'y')
        self.wait_delivered('/after', 1)
        self.assertEqual([], [r for r in self.receiver.requests
                              if r['path'] == '/deleted'])

    def test_rotated_secret_signs_later_deliveries(self):
        sub = self.subscribe('rot', '/rot')
        new = self.http.patch(f'/v2/queues/rot/subscriptions/'
                              f'{sub["subscription_id"]}',
                              json={'rotate_secret': True}).json()['secret']
        time.sleep(2.5)  # the notifier's lookup cache lives 2 s
        self.post('rot', 'x')
        (request,) = self.wait_delivered('/rot', 1)
        headers = request['headers']
        self.assertTrue(webhook.verify(new, headers[webhook.TIMESTAMP],
                                       request['raw'],
                                       headers[webhook.SIGNATURE]))

    def test_delayed_message_is_delivered_after_its_delay(self):
        self.http.put('/v2/queues/delayed', json={'_default_message_delay': 2})
        self.subscribe('delayed', '/delayed')
        start = time.time()
        self.post('delayed', 'later')
        (request,) = self.wait_delivered('/delayed', 1)
        self.assertGreaterEqual(request['at'] - start, 1.9)

    def _wait_failures(self, path: str, count: int,
                       timeout: float = 30.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            deliveries = self.http.get(path).json()['deliveries']
            if deliveries['failed'] >= count or time.monotonic() > deadline:
                return deliveries
            time.sleep(0.2)


class ConfirmationTest(base.ServerTestCase):
    """require_confirmation: a signed confirmation first, then messages."""

    key = uuid.uuid4().hex
    extra_conf = conf('[notification]', 'delivery_poll_interval = 0.2',
                      'require_confirmation = true', '[signed_url]',
                      f'secret_key = {key}')

    def setUp(self):
        super().setUp()
        self.receiver = Receiver()
        self.addCleanup(self.receiver.close)

    def test_unconfirmed_gets_a_confirmation_and_no_messages(self):
        url = self.receiver.url + '/confirm-me'
        resp = self.http.post('/v2/queues/cq/subscriptions',
                              json={'subscriber': url, 'ttl': 3600})
        sub_id = resp.json()['subscription_id']
        requests = self.receiver.wait(lambda rs: len(rs) >= 1)
        document = requests[0]['doc']
        confirm_path = f'/v2/queues/cq/subscriptions/{sub_id}/confirm'
        self.assertEqual('SubscriptionConfirmation', document['Message_Type'])
        self.assertEqual(confirm_path, document['URL-Paths'])
        self.assertEqual('PUT', document['URL-Methods'])
        self.assertEqual(self.http.project, document['X-Project-ID'])
        self.assertEqual({'confirmed': True}, document['SubscribeBody'])
        self.assertEqual({'confirmed': False}, document['UnsubscribeBody'])
        from zaqar.common import signing
        self.assertEqual(signing.signature(
            self.key, [confirm_path], ['PUT'], self.http.project,
            document['URL-Expires']), document['URL-Signature'])
        self.http.post('/v2/queues/cq/messages',
                       json={'messages': [{'body': 'before'}]})
        time.sleep(1.5)
        self.assertEqual(['SubscriptionConfirmation'],
                         [r['doc'].get('Message_Type')
                          for r in self.receiver.requests])
        self.assertEqual(204, self.http.put(confirm_path, json={
            'confirmed': True}).status_code)
        self.http.post('/v2/queues/cq/messages',
                       json={'messages': [{'body': 'after'}]})
        requests = self.receiver.wait(lambda rs: len(rs) >= 2)
        self.assertEqual('after', requests[1]['doc']['body'])
        self.assertEqual(204, self.http.put(confirm_path, json={
            'confirmed': False}).status_code)
        requests = self.receiver.wait(lambda rs: len(rs) >= 3)
        self.assertEqual('UnsubscribeConfirmation',
                         requests[2]['doc']['Message_Type'])

    def test_the_signed_url_confirms_without_credentials(self):
        resp = self.http.post('/v2/queues/signed/subscriptions', json={
            'subscriber': self.receiver.url + '/signed'})
        sub_id = resp.json()['subscription_id']
        document = self.receiver.wait(lambda rs: len(rs) >= 1)[0]['doc']
        headers = {name: document[name] for name in (
            'URL-Signature', 'URL-Methods', 'URL-Paths', 'URL-Expires',
            'X-Project-ID')}
        headers['Client-ID'] = str(uuid.uuid4())
        url = self.server.url + document['URL-Paths']
        tampered = dict(headers, **{'URL-Signature': '0' * 64})
        self.assertEqual(404, requests_put(url, tampered,
                                           document['SubscribeBody']))
        self.assertEqual(404, requests_put(
            url.replace(sub_id, 'other'), headers,
            document['SubscribeBody']))
        self.assertEqual(204, requests_put(url, headers,
                                           document['SubscribeBody']))
        self.assertTrue(self.http.get(f'/v2/queues/signed/subscriptions/'
                                      f'{sub_id}').json()['confirmed'])


def requests_put(url: str, headers: dict, body: dict) -> int:
    """A PUT with only the given headers (no project or roles of ours)."""
    import requests
    return requests.put(url, json=body, headers=headers, timeout=30
                        ).status_code
