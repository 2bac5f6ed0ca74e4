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

"""Subscribers cannot point the service at internal addresses (SSRF)."""

from __future__ import annotations

import http.server
import shutil
import tempfile
import threading
import time
import unittest

from tests.functional import server as fserver
from tests.hostile import base

# Every spelling of an internal address an attacker tried.
REFUSED_WEBHOOKS = (
    'http://127.0.0.1:{port}/',
    'http://localhost:{port}/',
    'http://2130706433:{port}/',
    'http://0x7f.1:{port}/',
    'http://0177.0.0.1:{port}/',
    'http://127.1:{port}/',
    'http://user:pw@127.0.0.1:{port}/',
    'https://127.0.0.1:{port}/',
    'http://[::1]:{port}/',
    'http://[::ffff:127.0.0.1]:{port}/',
    'http://0.0.0.0:{port}/',
    'http://10.1.2.3/',
    'http://172.16.0.1/',
    'http://192.168.1.1/',
    'http://169.254.169.254/latest/meta-data/',
    'http://100.64.0.1/',
    'http://224.0.0.1/',
    'http://240.0.0.1/',
    'http://[fe80::1]/',
    'http://[fc00::1]/',
    'trust+http://127.0.0.1:{port}/',
)
REFUSED_MAIL = (
    'mailto:root@127.0.0.1',
    'mailto:root@[127.0.0.1]',
    'mailto:root@localhost',
    'mailto:root@[IPv6:::1]',
)


class Receiver:
    """An HTTP server on ``host`` recording POSTs; answers ``status``."""

    def __init__(self, host: str = '127.0.0.1', status: int = 204,
                 headers: dict | None = None):
        self.hits: list[str] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get('Content-Length', 0)))
                receiver.hits.append(self.path)
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header('Content-Length', '0')
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer((host, 0), Handler)
        self.url = f'http://{host}:{self.server.server_address[1]}'
        threading.Thread(target=self.server.serve_forever,
                         daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def _conf(*lines: str) -> str:
    return '\n'.join(lines)


class RefusedAtSubscriptionTest(base.HostileServerCase):
    """Shipped defaults: no allow-list at all."""

    workers = 1

    def setUp(self):
        super().setUp()
        self.receiver = Receiver()
        self.addCleanup(self.receiver.close)
        self.port = self.receiver.server.server_address[1]

    def _subscribe(self, subscriber: str):
        return self.http.post('/v2/queues/q/subscriptions',
                              json={'subscriber': subscriber, 'ttl': 3600})

    def test_internal_webhooks_are_refused(self):
        for template in REFUSED_WEBHOOKS:
            url = template.format(port=self.port)
            with self.subTest(url=url):
                body = self.assertJSONError(self._subscribe(url), 400)
                self.assertIn('destination', body['description'])

    def test_internal_mail_domains_are_refused(self):
        for address in REFUSED_MAIL:
            with self.subTest(address=address):
                self.assertJSONError(self._subscribe(address), 400)

    def test_refused_on_update_too(self):
        created = self._subscribe('mailto:ops@example.invalid')
        self.assertEqual(201, created.status_code, created.text)
        sub = created.json()['subscription_id']
        resp = self.http.patch(f'/v2/queues/q/subscriptions/{sub}', json={
            'subscriber': self.receiver.url + '/'})
        self.assertJSONError(resp, 400)

    def test_nothing_was_stored_or_sent(self):
        for template in REFUSED_WEBHOOKS[:5]:
            self._subscribe(template.format(port=self.port))
        self.http.post('/v2/queues/q/messages',
                       json={'messages': [{'body': 'x'}]})
        listing = self.http.get('/v2/queues/q/subscriptions').json()
        self.assertEqual([], [s for s in listing['subscriptions']
                              if 'example.invalid' not in s['subscriber']])
        time.sleep(1.5)
        self.assertEqual([], self.receiver.hits)


class _TwoServers(unittest.TestCase):
    """Two API servers on one store: one allows loopback, one does not."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._tmp = tempfile.mkdtemp(prefix='zaqar-hostile-ssrf-')
        uri = f'sqlite:///{cls._tmp}/zaqar.db'
        notify = ('[notification]', 'delivery_poll_interval = 0.2',
                  'delivery_lease = 5')
        # Creates subscriptions; delivers nothing itself.
        cls.permissive = fserver.Server(
            uri, extra_conf=_conf(*notify, 'notifier_in_api = false',
                                  'destination_allowlist = 127.0.0.1/32'),
            test_allowances=False)
        # Shipped defaults: delivers, refusing internal destinations.
        cls.strict = fserver.Server(uri, extra_conf=_conf(*notify),
                                    test_allowances=False)
        # Allows 127.0.0.1 only; 127.0.0.2 stays refused.
        cls.one_host = fserver.Server(
            f'sqlite:///{cls._tmp}/other.db',
            extra_conf=_conf(*notify, 'destination_allowlist = 127.0.0.1'),
            test_allowances=False)
        started = []
        try:
            for srv in (cls.permissive, cls.strict, cls.one_host):
                started.append(srv.start())
        except Exception:
            for srv in started:
                srv.stop()
            shutil.rmtree(cls._tmp, ignore_errors=True)
            raise

    @classmethod
    def tearDownClass(cls):
        for srv in (cls.permissive, cls.strict, cls.one_host):
            srv.stop()
            shutil.rmtree(srv.dir, ignore_errors=True)
        shutil.rmtree(cls._tmp, ignore_errors=True)
        super().tearDownClass()

    def _failure(self, client, queue, sub_id, timeout=20.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            doc = client.get(f'/v2/queues/{queue}/subscriptions/'
                             f'{sub_id}').json().get('deliveries', {})
            if doc.get('failed'):
                return doc
            time.sleep(0.2)
        self.fail(f'no failure recorded: {doc}')


class CheckedAtDeliveryTest(_TwoServers):

    def test_delivery_to_internal_address_fails_without_connecting(self):
        receiver = Receiver()
        self.addCleanup(receiver.close)
        owner = fserver.Client(self.permissive.url)
        created = owner.post('/v2/queues/q/subscriptions', json={
            'subscriber': receiver.url + '/hook', 'ttl': 3600})
        self.assertEqual(201, created.status_code, created.text)
        sub = created.json()['subscription_id']
        poster = fserver.Client(self.strict.url, project=owner.project)
        self.assertEqual(201, poster.post('/v2/queues/q/messages', json={
            'messages': [{'body': 'secret'}]}).status_code)
        doc = self._failure(owner, 'q', sub)
        self.assertIn('destination refused', doc['last_error'])
        self.assertEqual([], receiver.hits)

    def test_allowlisted_receiver_gets_deliveries(self):
        receiver = Receiver()
        self.addCleanup(receiver.close)
        client = fserver.Client(self.one_host.url)
        created = client.post('/v2/queues/ok/subscriptions', json={
            'subscriber': receiver.url + '/hook', 'ttl': 3600})
        self.assertEqual(201, created.status_code, created.text)
        client.post('/v2/queues/ok/messages',
                    json={'messages': [{'body': 1}]})
        deadline = time.monotonic() + 20
        while not receiver.hits and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertEqual(['/hook'], receiver.hits)

    def test_redirect_to_refused_address_is_not_followed(self):
        target = Receiver('127.0.0.2')
        self.addCleanup(target.close)
        redirector = Receiver(status=307,
                              headers={'Location': target.url + '/stolen'})
        self.addCleanup(redirector.close)
        client = fserver.Client(self.one_host.url)
        self.assertJSONRefused(client.post(
            '/v2/queues/r/subscriptions',
            json={'subscriber': target.url + '/direct'}))
        created = client.post('/v2/queues/r/subscriptions', json={
            'subscriber': redirector.url + '/hook', 'ttl': 3600})
        self.assertEqual(201, created.status_code, created.text)
        sub = created.json()['subscription_id']
        client.post('/v2/queues/r/messages',
                    json={'messages': [{'body': 1}]})
        doc = self._failure(client, 'r', sub)
        self.assertIn('307', doc['last_error'])
        self.assertEqual(['/hook'], redirector.hits)
        self.assertEqual([], target.hits)

    def assertJSONRefused(self, resp):
        self.assertEqual(400, resp.status_code, resp.text)
        self.assertIn('destination', resp.json()['description'])
