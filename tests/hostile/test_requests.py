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

"""Hostile requests get the API's JSON 4xx, never a 5xx or invalid JSON."""

from __future__ import annotations

import json

from tests.hostile import base

DEEP = 10_000
SIGNING_KEY = 'hostile-test-signing-key'


def deep_json(depth: int = DEEP) -> bytes:
    return b'[' * depth + b']' * depth


def _chunked(body: bytes, size: int = 65536):
    for start in range(0, len(body), size):
        yield body[start:start + size]


class ServerLayerErrorsTest(base.HostileServerCase):
    """What the HTTP layer refuses is refused in the API's error format."""

    workers = 1

    def _raw(self, data: bytes) -> tuple[int, dict, dict]:
        with self.connect() as sock:
            status, headers, body = base.split_response(
                base.raw_exchange(sock, data, timeout=10))
        self.assertEqual('application/json', headers.get('content-type'),
                         headers)
        return status, headers, json.loads(body)

    def test_request_line_too_long_is_414_json(self):
        status, _, body = self._raw(b'GET /v2/queues?x=' + b'a' * 20000
                                    + b' HTTP/1.1\r\nHost: x\r\n\r\n')
        self.assertEqual(414, status)
        self.assertIn('title', body)

    def test_headers_too_large_are_431_json(self):
        status, _, body = self._raw(b'GET /v2 HTTP/1.1\r\nHost: x\r\n'
                                    + b'X-Big: ' + b'a' * 100000
                                    + b'\r\n\r\n')
        self.assertEqual(431, status)
        self.assertIn('title', body)

    def test_many_headers_are_431_json(self):
        headers = b''.join(b'X-H%d: %s\r\n' % (i, b'v' * 100)
                           for i in range(1000))
        status, _, _ = self._raw(b'GET /v2 HTTP/1.1\r\nHost: x\r\n'
                                 + headers + b'\r\n')
        self.assertEqual(431, status)

    def test_malformed_header_is_400_json(self):
        status, _, body = self._raw(b'GET /v2 HTTP/1.1\r\nHost: x\r\n'
                                    b'Bad Header Line\r\n\r\n')
        self.assertEqual(400, status)
        self.assertIn('title', body)

    def test_garbage_request_line_is_400_json(self):
        status, _, _ = self._raw(b'\x16\x03\x01\x02\x00\x01\x00\x01\xfc\r\n'
                                 b'\r\n')
        self.assertEqual(400, status)

    def test_declared_body_over_the_limit_is_413_json(self):
        with self.connect() as sock:
            raw = base.raw_exchange(
                sock, b'POST /v2/queues/q/claims HTTP/1.1\r\nHost: x\r\n'
                      b'Content-Type: application/json\r\n'
                      b'Content-Length: 52428800\r\n\r\n{', timeout=10)
        status, headers, body = base.split_response(raw)
        self.assertEqual(413, status)
        self.assertIn('title', json.loads(body))

    def test_chunked_body_over_the_limit_is_413_json(self):
        body = b'{"ttl": 60, "x": "' + b'a' * (2 * 1024 * 1024) + b'"}'
        resp = self.http.post('/v2/queues/q/claims', data=_chunked(body),
                              headers={'Content-Type': 'application/json'})
        self.assertJSONError(resp, 413)

    def test_huge_subscription_options_are_refused(self):
        options = {'post_data': 'a' * (30 * 1024 * 1024)}
        resp = self.http.post('/v2/queues/q/subscriptions', json={
            'subscriber': 'mailto:ops@example.invalid', 'options': options})
        self.assertJSONError(resp, 413)
        listing = self.http.get('/v2/queues/q/subscriptions')
        self.assertEqual([], listing.json()['subscriptions'])


class BodiesTest(base.HostileServerCase):
    """Bodies that used to answer 500 or be stored as invalid JSON."""

    workers = 1
    extra_conf = f'''
        [signed_url]
        secret_key = {SIGNING_KEY}
    '''

    def setUp(self):
        super().setUp()
        self.assertEqual(201, self.http.put('/v2/queues/q').status_code)

    def _post(self, path: str, data: bytes, method: str = 'POST'):
        kind = ('application/openstack-messaging-v2.0-json-patch'
                if method == 'PATCH' else 'application/json')
        return self.http.request(method, path, data=data,
                                 headers={'Content-Type': kind})

    def test_deep_nesting_is_400_on_every_body_route(self):
        deep = deep_json()
        for method, path in (('POST', '/v2/queues/q/messages'),
                             ('PUT', '/v2/queues/q2'),
                             ('POST', '/v2/queues/q/claims'),
                             ('POST', '/v2/queues/q/subscriptions'),
                             ('PATCH', '/v2/queues/q'),
                             ('POST', '/v2/queues/q/share'),
                             ('POST', '/v2/queues/q/purge')):
            with self.subTest(path=path):
                self.assertJSONError(self._post(path, deep, method), 400)
        nested = b'{"messages": [{"body": ' + deep_json(200) + b'}]}'
        self.assertJSONError(self._post('/v2/queues/q/messages', nested),
                             400)

    def test_non_finite_numbers_are_refused(self):
        for number in (b'NaN', b'Infinity', b'-Infinity', b'1e400',
                       b'-1e999'):
            with self.subTest(number=number):
                resp = self._post('/v2/queues/q/messages',
                                  b'{"messages": [{"body": ' + number
                                  + b'}]}')
                self.assertJSONError(resp, 400)
                resp = self._post('/v2/queues/q3', b'{"m": ' + number + b'}',
                                  'PUT')
                self.assertJSONError(resp, 400)
                resp = self._post('/v2/queues/q/claims',
                                  b'{"ttl": ' + number + b'}')
                self.assertJSONError(resp, 400)
        # Nothing of it was stored: every answer is strict JSON.
        listing = self.http.get('/v2/queues/q/messages?echo=true')
        json.loads(listing.text or '{}', parse_constant=self.fail)
        names = [q['name'] for q in
                 self.http.get('/v2/queues').json()['queues']]
        self.assertNotIn('q3', names)

    def test_lone_surrogates_are_refused(self):
        for method, path in (('PUT', '/v2/queues/q4'),
                             ('POST', '/v2/queues/q/messages')):
            with self.subTest(path=path):
                doc = (b'{"a": "\\ud800"}' if method == 'PUT' else
                       b'{"messages": [{"body": "\\udc00x"}]}')
                self.assertJSONError(self._post(path, doc, method), 400)

    def test_large_claim_body_is_413(self):
        resp = self._post('/v2/queues/q/claims',
                          b'{"ttl": 60, "pad": "' + b'x' * (50 * 1024 * 1024)
                          + b'"}')
        self.assertJSONError(resp, 413)

    def test_long_subscriber_url_is_400(self):
        resp = self.http.post('/v2/queues/q/subscriptions', json={
            'subscriber': 'http://example.invalid/' + 'a' * 100_000})
        self.assertJSONError(resp, 400)
        self.assertEqual([], self.http.get(
            '/v2/queues/q/subscriptions').json()['subscriptions'])

    def test_subscription_options_over_their_limit_are_400(self):
        resp = self.http.post('/v2/queues/q/subscriptions', json={
            'subscriber': 'mailto:ops@example.invalid',
            'options': {'post_data': 'a' * 100_000}})
        self.assertJSONError(resp, 400)

    def test_share_refuses_unknown_methods(self):
        resp = self.http.post('/v2/queues/q/share',
                              json={'methods': ['GET', 'BREW']})
        self.assertJSONError(resp, 400)
        ok = self.http.post('/v2/queues/q/share',
                            json={'methods': ['GET', 'POST']})
        self.assertEqual(200, ok.status_code, ok.text)

    def test_share_with_out_of_range_expiry_is_400(self):
        for expires in ('9999-12-31T23:59:59-23:59',
                        '0001-01-01T00:00:00+23:59',
                        '9999-12-31T23:59:59.999999-00:01'):
            with self.subTest(expires=expires):
                resp = self.http.post('/v2/queues/q/share',
                                      json={'expires': expires})
                self.assertJSONError(resp, 400)
