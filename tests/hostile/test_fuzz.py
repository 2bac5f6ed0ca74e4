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

"""Generated hostile traffic on every route: no 5xx, JSON errors, data kept.

Four generators share one live server (admin API on, no delivery):

* schemathesis: positive and negative examples of every operation of the
  server's own OpenAPI document;
* bodies: JSON documents of every shape (deep, huge numbers, NaN and
  infinities, odd types), truncated JSON and random bytes, on every route
  that takes a body;
* requests: random methods, paths and header values on every route;
* raw bytes: random and mangled HTTP on fresh connections.

Every answer must be below 500 and every error must be the API's JSON
``{"title", ...}`` body. A canary project created first (with a queue,
metadata, messages, a claim and a subscription), under a name no generator
can produce, must read back identical afterwards. Example counts come from
``ZAQAR_TEST_FUZZ_*`` (defaults total over 10,000 requests).
"""

from __future__ import annotations

import json
import os
import string
import uuid

import hypothesis
import requests
from hypothesis import HealthCheck
from hypothesis import strategies as st

from tests.functional import server as fserver
from tests.hostile import base

# Generated examples; each body goes to every body route and each request
# to every method, so the requests sent are a multiple of these.
SCHEMA_EXAMPLES = int(os.environ.get('ZAQAR_TEST_FUZZ_SCHEMA_EXAMPLES', '15'))
BODY_EXAMPLES = int(os.environ.get('ZAQAR_TEST_FUZZ_BODY_EXAMPLES', '250'))
REQUEST_EXAMPLES = int(os.environ.get('ZAQAR_TEST_FUZZ_REQUEST_EXAMPLES',
                                      '600'))
RAW_EXAMPLES = int(os.environ.get('ZAQAR_TEST_FUZZ_RAW_EXAMPLES', '200'))
PATCH_TYPE = 'application/openstack-messaging-v2.0-json-patch'
FUZZ_PROJECT = 'fuzz'
ADMIN_HEADERS = {'Client-ID': str(uuid.uuid4()), 'X-Project-ID': FUZZ_PROJECT,
                 'X-Roles': 'admin,member,reader'}

SETTINGS = dict(deadline=None, derandomize=True, database=None,
                phases=[hypothesis.Phase.generate],
                suppress_health_check=list(HealthCheck))

# -- what generated traffic must get back -------------------------------------


def check_answer(testcase, resp, method: str) -> None:
    """Below 500; an error carries the API's JSON body.

    ``resp`` is a requests or a schemathesis response (whose headers map
    lower-case names to lists).
    """
    label = f'{resp.status_code} {method} {resp.request.url}'
    testcase.assertLess(resp.status_code, 500, f'{label}: {resp.text[:300]}')
    if resp.status_code < 400 or method == 'HEAD' or resp.status_code == 406:
        return  # 406 answers with no body at all (nothing is acceptable)
    kind = (resp.headers.get('Content-Type')
            or resp.headers.get('content-type') or '')
    if isinstance(kind, list):
        kind = ','.join(kind)
    testcase.assertTrue(kind.startswith('application/json'),
                        f'{label}: {resp.headers}')
    document = json.loads(resp.text, parse_constant=testcase.fail)
    testcase.assertIn('title', document, label)


# -- generators -----------------------------------------------------------------

_names = st.text(string.ascii_letters + string.digits + '_-.', min_size=1,
                 max_size=70)
_odd_text = st.text(max_size=40)
_numbers = st.one_of(
    st.integers(), st.integers(min_value=2 ** 62, max_value=2 ** 80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e308, -1e308, 5e-324, 0.0, -0.0]))
_scalars = st.one_of(st.none(), st.booleans(), _numbers, _odd_text)
_documents = st.recursive(
    _scalars, lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.dictionaries(st.one_of(
            st.sampled_from(['messages', 'body', 'ttl', 'grace', 'delay',
                             'subscriber', 'options', 'methods', 'paths',
                             'expires', 'resource_types', 'uri', 'weight',
                             'pool_list', 'capabilities', 'op', 'path',
                             'value', 'confirmed', '_max_messages_post_size',
                             '_default_message_ttl', 'rotate_secret']),
            _odd_text), inner, max_size=5)),
    max_leaves=25)


def _deep(depth: int) -> bytes:
    return b'{"a":' * depth + b'1' + b'}' * depth


_bodies = st.one_of(
    _documents.map(lambda d: json.dumps(d).encode()),
    _documents.map(lambda d: json.dumps({'messages': [{'body': d}]})
                   .encode()),
    _documents.map(lambda d: json.dumps([{'op': 'replace',
                                          'path': '/metadata/x',
                                          'value': d}]).encode()),
    st.integers(min_value=50, max_value=5000).map(_deep),
    _documents.map(lambda d: json.dumps(d).encode()[:-1]),
    st.binary(max_size=300),
    st.sampled_from([b'', b'null', b'NaN', b'{"ttl": Infinity}',
                     b'{"messages": [{"body": -Infinity}]}', b'1e999',
                     b'\xff\xfe{}', b'{"a": "\\ud800"}']),
)
_BODY_ROUTES = (
    ('POST', '/v2/queues/{q}/messages', 'application/json'),
    ('PUT', '/v2/queues/{q}', 'application/json'),
    ('PATCH', '/v2/queues/{q}', PATCH_TYPE),
    ('POST', '/v2/queues/{q}/claims', 'application/json'),
    ('PATCH', '/v2/queues/{q}/claims/{id}', 'application/json'),
    ('POST', '/v2/queues/{q}/subscriptions', 'application/json'),
    ('PATCH', '/v2/queues/{q}/subscriptions/{id}', 'application/json'),
    ('PUT', '/v2/queues/{q}/subscriptions/{id}/confirm', 'application/json'),
    ('POST', '/v2/queues/{q}/share', 'application/json'),
    ('POST', '/v2/queues/{q}/purge', 'application/json'),
    ('DELETE', '/v2/queues/{q}/messages', 'application/json'),
    ('PUT', '/v2/pools/{q}', 'application/json'),
    ('PUT', '/v2/flavors/{q}', 'application/json'),
    ('POST', '/v2/queues/{q}', 'application/json'),
)
METHODS = ('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS',
           'BREW', 'PROPFIND', 'TRACE')
_METHODS = st.sampled_from(METHODS)
_segments = st.one_of(
    _names, st.sampled_from(['v2', 'queues', 'messages', 'claims', 'stats',
                             'subscriptions', 'confirm', 'share', 'purge',
                             'pools', 'flavors', 'health', 'ping', '..',
                             '.', '%00', '%2F', '%ff', 'v1', 'v1.1']),
    st.text(string.printable.replace('/', '').replace('?', '')
            .replace('#', '').strip(), min_size=1, max_size=20).map(
        lambda s: requests.utils.quote(s, safe='')))
_paths = st.lists(_segments, min_size=1, max_size=7).map(
    lambda parts: '/' + '/'.join(parts))
_header_values = st.one_of(st.text(string.printable.strip(' \t\n\r\x0b\x0c')
                                   + ' ', max_size=60).map(str.strip),
                           st.text(min_size=257, max_size=400,
                                   alphabet='p'))
_headers = st.fixed_dictionaries({}, optional={
    'Client-ID': _header_values, 'X-Project-ID': _header_values,
    'X-Roles': st.sampled_from(['admin', 'member', 'reader', '', 'x,y',
                                'admin,member']),
    'Accept': st.sampled_from(['*/*', 'text/html', 'application/xml',
                               'application/json;q=0', '']),
    'Content-Type': st.sampled_from(['application/json', 'text/plain',
                                     PATCH_TYPE, '', 'multipart/form-data']),
    'URL-Signature': _header_values, 'URL-Expires': _header_values,
    'URL-Methods': _header_values, 'URL-Paths': _header_values,
    'X-Auth-Token': _header_values,
})
# Raw requests are complete as far as HTTP framing goes (the server has
# all it will get), so each is answered or refused at once.
_raw_requests = st.one_of(
    st.binary(min_size=1, max_size=400).map(lambda b: b + b'\r\n\r\n'),
    st.tuples(_METHODS, _paths, st.sampled_from(['HTTP/1.1', 'HTTP/1.0',
                                                 'HTTP/2', 'HTTP/9.9', ''])
              ).map(lambda t: f'{t[0]} {t[1]} {t[2]}\r\nHost: x\r\n'
                    f'Connection: close\r\n\r\n'.encode()),
    st.tuples(st.binary(max_size=40), st.binary(max_size=40)).map(
        lambda t: b'GET /v2 HTTP/1.1\r\n' + t[0] + b': ' + t[1]
        + b'\r\nConnection: close\r\n\r\n'),
    st.one_of(st.integers(min_value=-5, max_value=2),
              st.integers(min_value=2 ** 20, max_value=2 ** 70)).map(
        lambda n: b'POST /v2/queues/q/messages HTTP/1.1\r\nHost: x\r\n'
                  b'Connection: close\r\n'
                  b'Content-Length: ' + str(n).encode() + b'\r\n\r\n{}'),
    st.sampled_from([
        b'POST /v2/queues/q/messages HTTP/1.1\r\nHost: x\r\n'
        b'Transfer-Encoding: chunked\r\n\r\nzz\r\n\r\n',
        b'POST /v2/queues/q/messages HTTP/1.1\r\nHost: x\r\n'
        b'Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
        b'GET /v2 HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n',
        b'GET /v2 HTTP/1.1\r\n Host: x\r\n\r\n']),
)


class FuzzTest(base.HostileServerCase):

    extra_conf = '''
        admin_mode = true
        [notification]
        notifier_in_api = false
        [signed_url]
        secret_key = fuzz-signs-with-this-long-test-only-key
    '''

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.canary = fserver.Client(cls.server.url,
                                    project='canary-' + uuid.uuid4().hex)
        c = cls.canary
        c.put('/v2/queues/canary', json={'_default_message_ttl': 3600,
                                         'note': 'keep'})
        c.post('/v2/queues/canary/messages', json={'messages': [
            {'body': {'n': i, 'text': 'é' * i}, 'ttl': 3600}
            for i in range(5)]})
        c.post('/v2/queues/canary/claims?limit=2',
               json={'ttl': 3600, 'grace': 60})
        c.post('/v2/queues/canary/subscriptions', json={
            'subscriber': 'mailto:canary@example.invalid', 'ttl': 3600})
        cls.snapshot = cls._read_canary()
        cls.session = requests.Session()
        cls.session.headers.update(ADMIN_HEADERS)
        # Ids that exist, so generated requests reach deeper code.
        s = cls.session
        s.put(f'{cls.server.url}/v2/queues/fq')
        s.post(f'{cls.server.url}/v2/queues/fq/messages',
               json={'messages': [{'body': i} for i in range(20)]})
        claim = s.post(f'{cls.server.url}/v2/queues/fq/claims?limit=2',
                       json={'ttl': 600, 'grace': 60})
        cls.claim_id = (claim.headers.get('Location', '/x').rsplit('/', 1)[-1]
                        if claim.status_code == 201 else 'none')
        sub = s.post(f'{cls.server.url}/v2/queues/fq/subscriptions',
                     json={'subscriber': 'mailto:f@example.invalid'})
        cls.sub_id = sub.json().get('subscription_id', 'none')

    @classmethod
    def _read_canary(cls) -> dict:
        c = cls.canary
        messages = c.get('/v2/queues/canary/messages?echo=true'
                         '&include_claimed=true&limit=20').json()
        return {
            'queue': c.get('/v2/queues/canary').json(),
            'messages': sorted((m['id'], json.dumps(m['body']))
                               for m in messages['messages']),
            'stats': c.get('/v2/queues/canary/stats').json()[
                'messages']['total'],
            'subscriptions': [s['subscriber'] for s in c.get(
                '/v2/queues/canary/subscriptions').json()['subscriptions']],
        }

    def tearDown(self):
        self.assertEqual(self.snapshot, self._read_canary(),
                         'the canary project changed under fuzzing')
        super().tearDown()

    def _call(self, method, path, **kwargs) -> requests.Response:
        resp = self.session.request(method, self.server.url + path,
                                    timeout=30, allow_redirects=False,
                                    **kwargs)
        check_answer(self, resp, method)
        return resp

    def test_schemathesis_on_every_operation(self):
        import schemathesis
        from schemathesis import GenerationMode
        from schemathesis.checks import not_a_server_error

        from zaqar.schemas import queues
        schemathesis.serializer.alias(queues.PATCH_MEDIA_TYPE,
                                      'application/json')
        document = self.session.get(self.server.url + '/v2/openapi.json',
                                    timeout=10).json()
        schema = schemathesis.openapi.from_dict(document)
        count = 0
        for result in schema.get_all_operations():
            operation = result.ok()
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                strategy = operation.as_strategy(generation_mode=mode)

                @hypothesis.settings(max_examples=SCHEMA_EXAMPLES,
                                     **SETTINGS)
                @hypothesis.given(case=strategy)
                def exercise(case):
                    nonlocal count
                    case.headers = {**(case.headers or {}),
                                    'X-Roles': ADMIN_HEADERS['X-Roles']}
                    if mode is GenerationMode.POSITIVE:
                        case.headers.update(ADMIN_HEADERS)
                    response = case.call(base_url=self.server.url,
                                         session=self.session, timeout=30)
                    count += 1
                    case.validate_response(response,
                                           checks=[not_a_server_error])
                    check_answer(self, response, case.method.upper())

                try:
                    exercise()
                except hypothesis.errors.Unsatisfiable:
                    pass
        print(f'\nfuzzing: schemathesis sent {count} requests')
        self.assertGreater(count, SCHEMA_EXAMPLES * 39)

    def test_generated_bodies_on_every_body_route(self):
        count = 0

        @hypothesis.settings(max_examples=BODY_EXAMPLES, **SETTINGS)
        @hypothesis.given(queue=st.one_of(st.just('fq'), _names),
                          body=_bodies)
        def exercise(queue, body):
            nonlocal count
            for method, template, kind in _BODY_ROUTES:
                ident = self.sub_id if 'subscriptions' in template \
                    else self.claim_id
                path = template.format(
                    q=requests.utils.quote(queue, safe=''), id=ident)
                self._call(method, path, data=body,
                           headers={'Content-Type': kind})
                count += 1

        exercise()
        print(f'\nfuzzing: body generator sent {count} requests')
        self.assertEqual(BODY_EXAMPLES * len(_BODY_ROUTES), count)

    def test_generated_methods_paths_and_headers(self):
        count = 0

        @hypothesis.settings(max_examples=REQUEST_EXAMPLES, **SETTINGS)
        @hypothesis.given(path=_paths, headers=_headers,
                          query=st.dictionaries(
                              st.sampled_from(['limit', 'marker', 'echo',
                                               'claim_id', 'ids', 'pop',
                                               'detailed', 'name',
                                               'with_count']),
                              _header_values, max_size=3))
        def exercise(path, headers, query):
            nonlocal count
            merged = {**ADMIN_HEADERS, **headers}
            for method in METHODS:
                resp = self.session.request(
                    method, self.server.url + path, params=query,
                    headers=merged, timeout=30, allow_redirects=False)
                check_answer(self, resp, method)
                count += 1

        exercise()
        print(f'\nfuzzing: request generator sent {count} requests')
        self.assertEqual(REQUEST_EXAMPLES * len(METHODS), count)

    def test_generated_raw_http(self):
        count = 0

        @hypothesis.settings(max_examples=RAW_EXAMPLES, **SETTINGS)
        @hypothesis.given(data=_raw_requests)
        def exercise(data):
            nonlocal count
            with self.connect() as sock:
                try:
                    sock.sendall(data)
                except OSError:
                    pass
                raw = base.read_response(sock, timeout=5)
            count += 1
            if not raw:
                return  # incomplete request, or closed unanswered
            status, headers, body = base.split_response(raw)
            self.assertLess(status, 500, raw[:300])
            if status >= 400 and status != 406:
                self.assertEqual('application/json',
                                 headers.get('content-type'), raw[:300])

        exercise()
        print(f'\nfuzzing: raw HTTP generator sent {count} requests')
        self.assertEqual(RAW_EXAMPLES, count)
