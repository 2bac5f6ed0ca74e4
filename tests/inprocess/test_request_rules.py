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

"""A configured limit changes both what is refused and what is documented.

One deployment with non-default [transport] limits: the served
/v2/openapi.json states them, and requests just inside and just outside
them are accepted and refused with the reference's wording.
"""

from __future__ import annotations

import json

import testtools

from tests.inprocess.app import InProcessApp

EXTRA = ('[transport]\nmax_messages_per_page = 50\nmax_message_ttl = 7200\n'
         'max_claim_ttl = 600\nmax_queues_per_page = 7\n')


class ConfiguredLimitsTest(testtools.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.served = InProcessApp(EXTRA)
        cls.document = json.loads(
            cls.served.request('GET', '/v2/openapi.json').body)

    @classmethod
    def tearDownClass(cls):
        cls.served.close()
        super().tearDownClass()

    def limit_param(self, path):
        params = self.document['paths'][path]['get']['parameters']
        return next(p for p in params if p.get('name') == 'limit')['schema']

    def test_document_states_the_configured_limits(self):
        self.assertEqual(50, self.limit_param(
            '/v2/queues/{queue_name}/messages')['maximum'])
        self.assertEqual(7, self.limit_param('/v2/queues')['maximum'])
        schemas = self.document['components']['schemas']
        self.assertEqual(7200, schemas['messages.POST']['properties'][
            'messages']['items']['properties']['ttl']['maximum'])
        self.assertEqual(600, schemas['claims.CREATE']['properties']['ttl'][
            'maximum'])
        self.assertEqual(7200, schemas['queues.METADATA']['properties'][
            '_default_message_ttl']['maximum'])

    def assertRefused(self, resp, description):
        self.assertEqual(400, resp.status_code, resp.text)
        self.assertEqual(description, resp.json['description'])

    def test_requests_follow_the_same_limits(self):
        app = self.served
        self.assertEqual(200, app.request(
            'GET', '/v2/queues/q/messages?limit=50').status_code)
        self.assertRefused(
            app.request('GET', '/v2/queues/q/messages?limit=51'),
            'Limit must be at least 1 and may not be greater than 50.')
        self.assertRefused(
            app.request('GET', '/v2/queues?limit=8'),
            'Limit must be at least 1 and no greater than 7.')
        self.assertEqual(201, app.request(
            'POST', '/v2/queues/q/messages',
            {'messages': [{'body': 1, 'ttl': 7200}]}).status_code)
        self.assertRefused(
            app.request('POST', '/v2/queues/q/messages',
                        {'messages': [{'body': 1, 'ttl': 7201}]}),
            'The TTL for a message may not exceed 7200 seconds, and must be '
            'at least 60 seconds long.')
        self.assertRefused(
            app.request('POST', '/v2/queues/q/claims', {'ttl': 601}),
            'The TTL for a claim may not exceed 600 seconds, and must be at '
            'least 60 seconds long.')
        self.assertRefused(
            app.request('PUT', '/v2/queues/q2',
                        {'_default_message_ttl': 7201}),
            '_default_message_ttl can not exceed 7200 seconds, and must be '
            'at least 60 seconds long.')
