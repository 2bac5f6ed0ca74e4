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

"""The middleware onion: CORS ([cors]) and trusted proxy headers."""

from __future__ import annotations

import os
import shutil
import tempfile
import unittest

import requests

from tests.functional import server as fserver

ORIGIN = 'https://dashboard.example.com'


class CORSTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._tmp = tempfile.mkdtemp(prefix='zaqar-cors-')
        cls.addClassCleanup(shutil.rmtree, cls._tmp, True)
        srv = fserver.Server('sqlite:///' + os.path.join(cls._tmp, 'z.db'))
        with open(srv.config, 'a') as f:
            f.write(f'\n[cors]\nallowed_origin = {ORIGIN}\n\n'
                    '[oslo_middleware]\nenable_proxy_headers_parsing = '
                    'true\n')
        cls.server = srv.start()
        cls.addClassCleanup(shutil.rmtree, srv.dir, True)
        cls.addClassCleanup(srv.stop)

    def setUp(self):
        super().setUp()
        self.http = fserver.Client(self.server.url)

    def test_preflight_is_answered_without_zaqar_headers(self):
        resp = requests.options(self.server.url + '/v2/queues/q', headers={
            'Origin': ORIGIN, 'Access-Control-Request-Method': 'PUT',
            'Access-Control-Request-Headers': 'client-id,x-project-id'})
        self.assertEqual(200, resp.status_code, resp.text)
        self.assertEqual(ORIGIN, resp.headers['Access-Control-Allow-Origin'])
        self.assertIn('PUT', resp.headers['Access-Control-Allow-Methods'])
        allowed = resp.headers['Access-Control-Allow-Headers'].lower()
        self.assertIn('client-id', allowed)
        self.assertIn('x-project-id', allowed)
        self.assertIn('x-openstack-request-id', resp.headers)

    def test_cross_origin_request_keeps_a_relative_location(self):
        resp = self.http.put('/v2/queues/cors-q', headers={'Origin': ORIGIN})
        self.assertEqual(201, resp.status_code, resp.text)
        self.assertEqual('/v2/queues/cors-q', resp.headers['Location'])
        self.assertEqual(ORIGIN, resp.headers['Access-Control-Allow-Origin'])
        exposed = resp.headers['Access-Control-Expose-Headers'].lower()
        self.assertIn('location', exposed)
        self.assertIn('x-openstack-request-id', exposed)

    def test_unknown_origin_gets_no_cors_headers(self):
        resp = self.http.get('/v2/queues',
                             headers={'Origin': 'https://evil.example'})
        self.assertEqual(200, resp.status_code)
        self.assertNotIn('Access-Control-Allow-Origin', resp.headers)

    def test_proxy_headers_leave_location_relative(self):
        resp = self.http.put('/v2/queues/proxied', headers={
            'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'mq.example'})
        self.assertEqual(201, resp.status_code, resp.text)
        self.assertEqual('/v2/queues/proxied', resp.headers['Location'])
