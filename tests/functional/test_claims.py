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

"""Claim routes and dead-letter queues over HTTP (spec §7-8)."""

from __future__ import annotations

import uuid

from tests.functional import base


class ClaimTest(base.ServerTestCase):

    def fill(self, queue, n, **extra):
        return self.http.post(f'/v2/queues/{queue}/messages', json={
            'messages': [dict(body=i, **extra) for i in range(n)]})

    def test_claim_defaults_and_shape(self):
        self.fill('c1', 12)
        resp = self.http.post('/v2/queues/c1/claims')
        self.assertEqual(201, resp.status_code)
        cid = resp.headers['Location'].rsplit('/', 1)[1]
        self.assertTrue(resp.headers['Location'].endswith(
            f'/v2/queues/c1/claims/{cid}'))
        messages = resp.json()['messages']
        self.assertEqual(list(range(10)), [m['body'] for m in messages])
        self.assertTrue(all(m['href'].endswith('?claim_id=' + cid)
                            for m in messages))
        claim = self.http.get(f'/v2/queues/c1/claims/{cid}').json()
        self.assertEqual({'age', 'ttl', 'messages', 'href'}, set(claim))
        self.assertEqual(300, claim['ttl'])
        rest = self.http.post('/v2/queues/c1/claims?limit=20')
        self.assertEqual(2, len(rest.json()['messages']))
        self.assertEqual(204, self.http.post('/v2/queues/c1/claims')
                         .status_code)
        self.assertEqual(204, self.http.post('/v2/queues/nope/claims')
                         .status_code)

    def test_claim_validation(self):
        url = '/v2/queues/cv/claims'
        for body in ({'ttl': 59}, {'ttl': 43201}, {'grace': 59}):
            self.assertError(self.http.post(url, json=body), 400,
                             'Invalid API request')
        self.assertError(self.http.post(url + '?limit=21'), 400)
        self.assertError(self.http.post(url + '?limit=x'), 400,
                         'Invalid parameter')
        self.assertError(self.http.post(url, json={'ttl': '60'}), 400,
                         'Invalid request body',
                         'The value of the "ttl" field must be a int.')

    def test_renew_extends_message_ttl(self):
        self.fill('cr', 2, ttl=120)
        resp = self.http.post('/v2/queues/cr/claims',
                              json={'ttl': 100, 'grace': 60})
        cid = resp.headers['Location'].rsplit('/', 1)[1]
        # Claimed messages live at least until the claim's end plus grace.
        self.assertEqual([160, 160], [m['ttl'] for m in
                                      resp.json()['messages']])
        url = f'/v2/queues/cr/claims/{cid}'
        self.assertEqual(204, self.http.patch(url, json={
            'ttl': 200, 'grace': 60}).status_code)
        claim = self.http.get(url).json()
        self.assertEqual(200, claim['ttl'])
        self.assertEqual(0, claim['age'])
        self.assertTrue(all(m['ttl'] >= 260 for m in claim['messages']))
        self.assertEqual(204, self.http.patch(url, json={}).status_code)
        self.assertError(self.http.patch(url, data=''), 400,
                         'Invalid request body')
        self.assertError(self.http.patch(url, json={'ttl': 5}), 400)
        self.assertError(self.http.patch(
            f'/v2/queues/cr/claims/{uuid.uuid4()}', json={}), 404,
            'Not found')

    def test_release(self):
        self.fill('rel', 1)
        resp = self.http.post('/v2/queues/rel/claims')
        cid = resp.headers['Location'].rsplit('/', 1)[1]
        url = f'/v2/queues/rel/claims/{cid}'
        self.assertEqual(204, self.http.delete(url).status_code)
        self.assertEqual(204, self.http.delete(url).status_code)
        body = self.assertError(self.http.get(url), 404, 'Not found')
        self.assertIn(cid, body['description'])
        again = self.http.post('/v2/queues/rel/claims')
        self.assertEqual(201, again.status_code)

    def test_dead_letter_queue(self):
        self.http.put('/v2/queues/src', json={'_max_claim_count': 1,
                                              '_dead_letter_queue': 'dlq',
                                              '_dead_letter_queue_messages_ttl':
                                                  600})
        self.fill('src', 1)
        first = self.http.post('/v2/queues/src/claims')
        self.assertEqual(201, first.status_code)
        self.http.delete(first.headers['Location'])
        self.assertEqual(204, self.http.post('/v2/queues/src/claims')
                         .status_code)
        self.assertEqual(0, self.http.get('/v2/queues/src/stats')
                         .json()['messages']['total'])
        moved = self.http.get('/v2/queues/dlq/messages?echo=true').json()
        self.assertEqual([0], [m['body'] for m in moved['messages']])
        self.assertEqual(600, moved['messages'][0]['ttl'])
