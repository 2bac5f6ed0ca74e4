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

"""What clients written against the reference read on the wire."""

from __future__ import annotations

import uuid

from tests.functional import base


class WireCompatTest(base.ServerTestCase):

    def setUp(self):
        super().setUp()
        self.queue = f'wc-{uuid.uuid4().hex[:8]}'
        self.path = f'/v2/queues/{self.queue}'

    def test_pop_answer_carries_claim_fields(self):
        self.http.post(self.path + '/messages',
                       json={'messages': [{'body': 1}, {'body': 2}]})
        resp = self.http.delete(self.path + '/messages?pop=2')
        self.assertEqual(200, resp.status_code, resp.text)
        for message in resp.json()['messages']:
            self.assertIn('href', message)
            self.assertIn('claim_id', message)
            self.assertIsInstance(message['claim_count'], int)

    def test_subscription_patch_with_nulls_changes_only_given_fields(self):
        resp = self.http.post(self.path + '/subscriptions', json={
            'subscriber': 'mailto:ops@example.com', 'ttl': 3600,
            'options': {'from': 'a'}})
        self.assertEqual(201, resp.status_code, resp.text)
        sub = f'{self.path}/subscriptions/{resp.json()["subscription_id"]}'
        # What "openstack messaging subscription update --ttl N" sends.
        resp = self.http.patch(sub, json={'subscriber': None, 'ttl': 7200,
                                          'options': None})
        self.assertEqual(204, resp.status_code, resp.text)
        got = self.http.get(sub).json()
        self.assertEqual(('mailto:ops@example.com', 7200, {'from': 'a'}),
                         (got['subscriber'], got['ttl'], got['options']))

    def test_subscription_body_not_a_dict_keeps_reference_wording(self):
        resp = self.http.post(self.path + '/subscriptions', json=['x'])
        self.assertError(resp, 400)
        self.assertIn('Subscriptions must be a dict.',
                      resp.json()['description'])
