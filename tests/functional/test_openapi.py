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

"""GET /v2/openapi.json, and a schemathesis run of it against a live server.

Every operation the server's home document advertises gets positive and
negative examples (bounded, reproducible); each response must not be a
5xx and must conform to the document: status, content type, headers and
body schema.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import unittest
import uuid

import hypothesis
from hypothesis import HealthCheck

from tests.functional import server as fserver
from zaqar.transport.wsgi.controllers.v2 import openapi

# Examples per operation and mode; ZAQAR_TEST_OPENAPI_EXAMPLES raises it.
EXAMPLES = int(os.environ.get('ZAQAR_TEST_OPENAPI_EXAMPLES', '25'))
# Generated subscribers never leave the machine: nothing delivers (no
# notifier in the API), and any valid-looking subscriber is pointed at a
# closed loopback port anyway.
SERVER_CONF = """
[DEFAULT]
admin_mode = true
[notification]
notifier_in_api = false
[signed_url]
secret_key = schemathesis-signs-with-this-long-test-only-key
"""
_SUBSCRIBER = re.compile(r'^(https?|trust\+https?|mailto):', re.IGNORECASE)
LOOPBACK_SUBSCRIBER = 'http://127.0.0.1:9/zaqar-openapi-test'


class _Server(unittest.TestCase):
    """A live server with the admin API and no notification delivery."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = tempfile.mkdtemp(prefix='zaqar-openapi-')
        cls.server = fserver.Server(f'sqlite:///{cls.tmp}/zaqar.db')
        with open(cls.server.config, 'a') as f:
            f.write(SERVER_CONF)
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)
        super().tearDownClass()


def _keep_local(case) -> None:
    """Point any subscriber in a generated body at loopback."""
    body = case.body
    if isinstance(body, dict) and isinstance(body.get('subscriber'), str):
        if _SUBSCRIBER.match(body['subscriber']):
            body['subscriber'] = LOOPBACK_SUBSCRIBER


def _short_wait(case) -> None:
    """Cap a valid ``wait`` at 1 second: a long poll on an empty queue
    lasts its whole wait. Invalid values stay as generated (refused at
    once); tests/functional/test_long_polling covers the waits."""
    query = case.query
    if isinstance(query, dict) and 'wait' in query:
        try:
            value = int(str(query['wait']), 10)
        except ValueError:
            return
        if 1 < value <= 20:
            query['wait'] = 1


def _checks(negative: bool):
    from schemathesis.checks import (
        content_type_conformance,
        negative_data_rejection,
        not_a_server_error,
        response_headers_conformance,
        response_schema_conformance,
        status_code_conformance,
        unsupported_method,
    )
    checks = [not_a_server_error, status_code_conformance,
              unsupported_method, content_type_conformance,
              response_headers_conformance, response_schema_conformance]
    if negative:
        # The schemas are as strict as the server: invalid data is refused.
        checks.append(negative_data_rejection)
    return checks


class OpenAPIDocumentServedTest(_Server):

    def setUp(self):
        super().setUp()
        self.http = fserver.Client(self.server.url)

    def test_document_matches_the_home_document(self):
        resp = self.http.get('/v2/openapi.json')
        self.assertEqual(200, resp.status_code, resp.text)
        self.assertEqual('application/json', resp.headers['Content-Type'])
        home = self.http.get('/v2/').json()
        self.assertEqual(openapi.build(home), resp.json())
        self.assertIn('/v2/health', resp.json()['paths'])

    def test_document_needs_the_v2_headers(self):
        resp = fserver.Client(self.server.url).session.get(self.server.url
                                         + '/v2/openapi.json',
                                         headers={'Client-ID': None})
        self.assertEqual(400, resp.status_code)
        self.assertEqual('Missing header value', resp.json()['title'])

    def test_openapi_json_is_not_confused_with_a_format_suffix(self):
        self.assertEqual(404, self.http.get('/v2/openapi.yaml').status_code)
        self.assertEqual(404, self.http.get('/v2/openapi').status_code)


class SchemathesisTest(_Server):
    """One test per documented operation and generation mode."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        import schemathesis

        from zaqar.schemas import queues
        # Queue PATCH bodies are JSON under their own media type.
        schemathesis.serializer.alias(queues.PATCH_MEDIA_TYPE,
                                      'application/json')
        import requests
        cls.headers = {'Client-ID': str(uuid.uuid4()),
                       'X-Project-ID': 'st-' + uuid.uuid4().hex[:8],
                       'X-Roles': 'admin,member,reader'}
        document = requests.get(cls.server.url + '/v2/openapi.json',
                                headers=cls.headers, timeout=10).json()
        cls.schema = schemathesis.openapi.from_dict(document)
        cls.operations = {}
        for result in cls.schema.get_all_operations():
            operation = result.ok()
            cls.operations[operation.definition.raw['operationId']] = \
                operation
        cls.session = requests.Session()

    def run_operation(self, operation_id: str, mode_name: str):
        from schemathesis import GenerationMode
        operation = self.operations.get(operation_id)
        if operation is None:
            self.skipTest(f'{operation_id} is not advertised by this '
                          'server\'s home document')
        mode = GenerationMode(mode_name)
        # The caller's identity is fixed for positive data so that calls
        # reach the handlers (as admin, to cover the admin API too);
        # negative data may also break the Client-ID / X-Project-ID.
        fixed = self.headers if mode is GenerationMode.POSITIVE else {
            'X-Roles': self.headers['X-Roles']}
        strategy = operation.as_strategy(
            generation_mode=mode,
            headers=dict(self.headers) if fixed is self.headers else None)
        checks = _checks(mode is GenerationMode.NEGATIVE)
        url = self.server.url

        @hypothesis.settings(
            max_examples=EXAMPLES, deadline=None, derandomize=True,
            database=None, phases=[hypothesis.Phase.generate],
            suppress_health_check=list(HealthCheck))
        @hypothesis.given(case=strategy)
        def exercise(case):
            case.headers = {**(case.headers or {}), **fixed}
            _short_wait(case)
            if mode is GenerationMode.POSITIVE:
                # Negative data stays as generated: rewriting a subscriber
                # could turn an invalid body (an over-long URL) valid.
                _keep_local(case)
            response = case.call(base_url=url, session=self.session,
                                 timeout=30)
            case.validate_response(response, checks=checks)

        try:
            exercise()
        except hypothesis.errors.Unsatisfiable:
            self.skipTest('no invalid input to generate for '
                          f'{operation_id}')


def _add_tests():
    for op in openapi.OPERATIONS:
        for mode in ('positive', 'negative'):
            def test(self, op_id=op.operation_id, mode=mode):
                self.run_operation(op_id, mode)
            test.__name__ = f'test_{op.operation_id}_{mode}'
            test.__doc__ = f'{op.method.upper()} {op.path} ({mode} data)'
            setattr(SchemathesisTest, test.__name__, test)


_add_tests()


if __name__ == '__main__':
    unittest.main()
