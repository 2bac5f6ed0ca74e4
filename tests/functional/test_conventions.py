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

"""Versions, home document, headers checks and error bodies (spec §1-3)."""

from __future__ import annotations

import uuid

from tests.functional import base


class ConventionsTest(base.ServerTestCase):

    def test_versions_document_needs_no_headers(self):
        resp = self.client().session.get(self.server.url + '/',
                                         headers={'Client-ID': None,
                                                  'X-Project-ID': None})
        self.assertEqual(300, resp.status_code)
        self.assertEqual('2', resp.json()['versions'][0]['id'])

    def test_home_document_with_and_without_slash(self):
        for path in ('/v2', '/v2/'):
            resp = self.http.get(path)
            self.assertEqual(200, resp.status_code)
            self.assertEqual('application/json-home',
                             resp.headers['Content-Type'])
            self.assertIn('rel/queues', resp.json()['resources'])

    def test_every_response_has_a_request_id(self):
        resp = self.http.get('/v2/queues')
        self.assertTrue(resp.headers['x-openstack-request-id']
                        .startswith('req-'))
        resp = self.http.get('/v2/nope')
        self.assertIn('x-openstack-request-id', resp.headers)

    def test_unknown_paths_are_json_404(self):
        for path in ('/v2/nope', '/v1/queues', '/v1.1/queues', '/nope',
                     '/v2/queues/q/nope', '/v2/queues/q/messages/a/b'):
            self.assertError(self.http.get(path), 404)

    def test_missing_client_id(self):
        resp = self.http.get('/v2/queues', headers={'Client-ID': None})
        self.assertError(resp, 400, 'Missing header value',
                         'The "Client-Id" header is required.')

    def test_malformed_client_id(self):
        for value in ('abc', ''):
            resp = self.http.get('/v2/queues', headers={'Client-ID': value})
            self.assertError(resp, 400, 'Wrong UUID value',
                             'Malformed hexadecimal UUID.')

    def test_client_id_uuid_spellings_are_accepted(self):
        u = uuid.uuid4()
        for value in (str(u), u.hex, '{%s}' % u, 'urn:uuid:%s' % u):
            resp = self.http.get('/v2/queues', headers={'Client-ID': value})
            self.assertEqual(200, resp.status_code, value)

    def test_project_header_missing_or_empty(self):
        resp = self.http.get('/v2/queues', headers={'X-Project-ID': None})
        self.assertError(resp, 400, 'Project-Id Missing')
        resp = self.http.get('/v2/queues', headers={'X-Project-ID': ''})
        self.assertError(resp, 400, 'Empty project header not allowed')

    def test_client_id_error_wins_over_project_error(self):
        resp = self.http.get('/v2/queues', headers={'Client-ID': None,
                                                    'X-Project-ID': None})
        self.assertError(resp, 400, 'Missing header value')

    def test_not_acceptable(self):
        resp = self.http.get('/v2/queues', headers={'Accept': 'text/plain'})
        self.assertEqual(406, resp.status_code)

    def test_form_encoded_body_is_refused(self):
        resp = self.http.put('/v2/queues/formq', data='a=b', headers={
            'Content-Type': 'application/x-www-form-urlencoded'})
        self.assertError(resp, 400, 'Invalid Content-Type')

    def test_method_not_allowed_lists_allowed_methods(self):
        resp = self.http.post('/v2/queues/q1')
        self.assertEqual(405, resp.status_code)
        self.assertEqual('DELETE, GET, HEAD, PATCH, PUT, OPTIONS',
                         resp.headers['Allow'])
        self.assertIn('title', resp.json())

    def test_ping(self):
        self.assertEqual(204, self.http.get('/v2/ping').status_code)
        self.assertEqual(204, self.http.head('/v2/ping').status_code)

    def test_oslo_healthcheck_needs_no_headers(self):
        import requests
        resp = requests.get(self.server.url + '/healthcheck')
        self.assertEqual(200, resp.status_code)

    def test_health_is_not_routed_without_admin_mode(self):
        self.assertError(self.http.get('/v2/health',
                                       headers={'X-Roles': 'admin'}), 404)


class AdminHealthTest(base.ServerTestCase):
    extra_conf = 'admin_mode = true'

    def test_health_needs_admin(self):
        self.assertError(self.http.get('/v2/health'), 403, 'Not authorized')

    def test_health_probe_for_admin(self):
        resp = self.http.get('/v2/health', headers={'X-Roles': 'admin'})
        self.assertEqual(200, resp.status_code)
        body = resp.json()
        self.assertTrue(body['storage_reachable'])
        status = body['operation_status']
        self.assertEqual(
            ['create_queue', 'post_messages', 'claim_messages',
             'list_messages', 'delete_messages', 'delete_claim',
             'bulk_delete_messages', 'delete_queue'], list(status))
        self.assertTrue(all(s['succeeded'] for s in status.values()))

    def test_home_document_lists_health_in_admin_mode(self):
        resources = self.http.get('/v2/').json()['resources']
        self.assertIn('rel/health', resources)
