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

"""Message routes over HTTP, error paths included (spec §6, §9)."""

from __future__ import annotations

import uuid

from tests.functional import base

PATCH = {'Content-Type': 'application/openstack-messaging-v2.0-json-patch'}


class MessageTest(base.ServerTestCase):

    def post(self, queue, messages, client=None):
        return (client or self.http).post(f'/v2/queues/{queue}/messages',
                                          json={'messages': messages})

    def test_post_creates_queue_and_returns_ids_in_order(self):
        resp = self.post('auto', [{'body': i} for i in range(11)])
        self.assertEqual(201, resp.status_code, resp.text)
        hrefs = resp.json()['resources']
        self.assertEqual(11, len(hrefs))
        ids = [h.rsplit('/', 1)[1] for h in hrefs]
        self.assertTrue(resp.headers['Location'].endswith(
            '/v2/queues/auto/messages?ids=' + ','.join(ids)))
        self.assertEqual(204, self.http.head('/v2/queues/auto').status_code)
        listed = self.http.get('/v2/queues/auto/messages?echo=true&limit=20')
        self.assertEqual(list(range(11)),
                         [m['body'] for m in listed.json()['messages']])

    def test_post_body_errors(self):
        url = '/v2/queues/pe/messages'
        self.assertError(self.http.post(url, json={'messages': []}), 400,
                         'Invalid API request', 'No messages to enqueu.')
        self.assertError(self.http.post(url, json={'x': 1}), 400,
                         'Invalid API request',
                         'No messages were found in the request body.')
        self.assertError(self.http.post(url, json=[{'body': 1}]), 400,
                         'Invalid API request')
        self.assertError(self.http.post(url, json={'messages': {}}), 400,
                         'Invalid request body')
        self.assertError(self.http.post(url, json={'messages': [{}]}), 400,
                         'Invalid request body', 'Missing "body" field.')
        self.assertError(self.http.post(url), 400, 'Invalid request body',
                         'Request body could not be parsed.')
        self.assertError(self.http.post(url, data='nope'), 400,
                         'Invalid request body',
                         'Request body could not be parsed.')
        self.assertError(self.http.post(url, data='5'), 400,
                         'Invalid request body')
        self.assertError(self.http.post(url, data='{"messages": [{"body": '
                                        '1, "ttl": 1' + '0' * 30 + '}]}'),
                         400, 'Invalid request body')
        for ttl in (59, 1209601):
            self.assertError(self.post('pe', [{'body': 1, 'ttl': ttl}]), 400,
                             'Invalid API request')
        self.assertError(self.post('pe', [{'body': 1, 'ttl': '60'}]), 400,
                         'Invalid request body',
                         'The value of the "ttl" field must be a int.')
        self.assertError(self.post('pe', ['x']), 400, 'Invalid request body')

    def test_null_body_and_default_ttl(self):
        self.assertEqual(201, self.post('nb', [{'body': None}]).status_code)
        msg = self.http.get('/v2/queues/nb/messages?echo=true').json()[
            'messages'][0]
        self.assertIsNone(msg['body'])
        self.assertEqual(3600, msg['ttl'])
        self.assertEqual(['id', 'href', 'ttl', 'age', 'body'], list(msg))
        self.http.put('/v2/queues/dt', json={'_default_message_ttl': 120})
        self.post('dt', [{'body': 1}])
        self.assertEqual(120, self.http.get(
            '/v2/queues/dt/messages?echo=true').json()['messages'][0]['ttl'])

    def test_post_size_limits(self):
        big = {'messages': [{'body': 'x' * 262144}]}
        self.assertError(self.http.post('/v2/queues/sz/messages', json=big),
                         400, 'Invalid API request',
                         'Message collection size is too large. Max size '
                         '262144')
        self.http.put('/v2/queues/sz2',
                      json={'_max_messages_post_size': 100})
        body = self.assertError(self.post('sz2', [{'body': 'x' * 200}]), 400)
        self.assertIn('max_messages_post_size_queue: 100',
                      body['description'])

    def test_echo_and_empty_list(self):
        self.post('echo', [{'body': 'mine'}])
        resp = self.http.get('/v2/queues/echo/messages')
        self.assertEqual({'messages': [], 'links': []}, resp.json())
        other = self.client(project=self.http.project)
        self.assertEqual(1, len(other.get('/v2/queues/echo/messages')
                                .json()['messages']))
        self.assertEqual({'messages': [], 'links': []},
                         self.http.get('/v2/queues/missing/messages').json())

    def test_list_paging_follows_next_links(self):
        self.post('page', [{'body': i} for i in range(25)])
        seen, url = [], '/v2/queues/page/messages?echo=true&limit=7'
        while True:
            body = self.http.get(url).json()
            if not body['messages']:
                break
            seen += [m['body'] for m in body['messages']]
            url = body['links'][0]['href']
            self.assertIn('limit=7', url)
        self.assertEqual(list(range(25)), seen)

    def test_list_limits(self):
        for value in ('0', '21'):
            self.assertError(self.http.get(
                f'/v2/queues/l/messages?limit={value}'), 400,
                'Invalid API request',
                'Limit must be at least 1 and may not be greater than 20.')

    def test_claimed_hidden_unless_included(self):
        self.post('hid', [{'body': 1}, {'body': 2}])
        claim = self.http.post('/v2/queues/hid/claims?limit=1')
        cid = claim.headers['Location'].rsplit('/', 1)[1]
        listed = self.http.get('/v2/queues/hid/messages?echo=true').json()
        self.assertEqual([2], [m['body'] for m in listed['messages']])
        everything = self.http.get(
            '/v2/queues/hid/messages?echo=true&include_claimed=true').json()
        hrefs = [m['href'] for m in everything['messages']]
        self.assertTrue(hrefs[0].endswith('?claim_id=' + cid))
        self.assertNotIn('claim_id', hrefs[1])

    def test_bulk_get(self):
        ids = [h.rsplit('/', 1)[1] for h in self.post(
            'bg', [{'body': 1}, {'body': 2}]).json()['resources']]
        got = self.http.get(f'/v2/queues/bg/messages?ids={ids[0]},nonexist')
        self.assertEqual([1], [m['body'] for m in got.json()['messages']])
        self.assertNotIn('links', got.json())
        self.assertError(self.http.get('/v2/queues/bg/messages?ids=nonexist'),
                         404, 'Not found',
                         "No messages with IDs: ['nonexist'] found in the "
                         f"queue bg for project {self.http.project}.")
        many = ','.join(str(uuid.uuid4()) for _ in range(21))
        self.assertError(self.http.get(f'/v2/queues/bg/messages?ids={many}'),
                         400)
        blank = self.http.get('/v2/queues/bg/messages?ids=&echo=true')
        self.assertEqual(2, len(blank.json()['messages']))

    def test_bulk_delete_and_pop(self):
        url = '/v2/queues/bd/messages'
        ids = [h.rsplit('/', 1)[1] for h in self.post(
            'bd', [{'body': i} for i in range(5)]).json()['resources']]
        self.assertError(self.http.delete(url), 400, 'Invalid API request')
        self.assertError(self.http.delete(url + f'?ids={ids[0]}&pop=1'), 400)
        self.assertEqual(204, self.http.delete(
            f'{url}?ids={ids[0]},{uuid.uuid4()}').status_code)
        for pop in ('0', '21'):
            self.assertError(self.http.delete(f'{url}?pop={pop}'), 400,
                             'Invalid API request',
                             'Pop value must be at least 1 and may not be '
                             'greater than 20.')
        popped = self.http.delete(url + '?pop=2')
        self.assertEqual(200, popped.status_code)
        self.assertEqual([1, 2], [m['body'] for m in
                                  popped.json()['messages']])
        self.assertEqual({'messages': []}, self.http.delete(
            '/v2/queues/nothing/messages?pop=3').json())
        many = ','.join(str(uuid.uuid4()) for _ in range(21))
        self.assertError(self.http.delete(f'{url}?ids={many}'), 400)

    def test_single_get_and_delete_rules(self):
        ids = [h.rsplit('/', 1)[1] for h in self.post(
            'sd', [{'body': 1}, {'body': 2}]).json()['resources']]
        base = '/v2/queues/sd/messages/'
        self.assertEqual(1, self.http.get(base + ids[0]).json()['body'])
        missing = self.http.get(base + 'nonexist')
        self.assertError(missing, 404, 'Not found',
                         f'Message nonexist does not exist in queue sd for '
                         f'project {self.http.project}')
        claim = self.http.post('/v2/queues/sd/claims?limit=1')
        cid = claim.headers['Location'].rsplit('/', 1)[1]
        self.assertTrue(self.http.get(base + ids[0]).json()['href']
                        .endswith('?claim_id=' + cid))
        self.assertError(self.http.delete(base + ids[0]), 403,
                         'Unable to delete')
        self.assertError(self.http.delete(
            f'{base}{ids[0]}?claim_id={uuid.uuid4()}'), 400,
            'Unable to delete',
            'The specified claim does not exist or has expired.')
        self.assertError(self.http.delete(f'{base}{ids[1]}?claim_id={cid}'),
                         400, 'Unable to delete',
                         'A claim was specified, but the message is not '
                         'currently claimed.')
        self.assertEqual(204, self.http.delete(
            f'{base}{ids[0]}?claim_id={cid}').status_code)
        self.assertEqual(204, self.http.delete(base + ids[1]).status_code)
        self.assertEqual(204, self.http.delete(base + 'nonexist').status_code)

    def test_delayed_messages(self):
        self.http.put('/v2/queues/dl', json={'_default_message_delay': 30})
        self.post('dl', [{'body': 'late'}])
        self.assertEqual([], self.http.get(
            '/v2/queues/dl/messages?echo=true').json()['messages'])
        self.assertEqual(1, len(self.http.get(
            '/v2/queues/dl/messages?echo=true&include_delayed=true')
            .json()['messages']))
        self.assertEqual(204, self.http.post('/v2/queues/dl/claims')
                         .status_code)
        self.assertError(self.post('dl', [{'body': 1, 'delay': 901}]), 400)
        # Without a queue default delay the per-message delay is ignored.
        self.post('nodl', [{'body': 1, 'delay': 100}])
        self.assertEqual(1, len(self.http.get(
            '/v2/queues/nodl/messages?echo=true').json()['messages']))

    def test_isolation_between_projects(self):
        ids = [h.rsplit('/', 1)[1] for h in self.post(
            'iso', [{'body': 'secret'}]).json()['resources']]
        other = self.client()
        self.assertEqual(404, other.get(
            f'/v2/queues/iso/messages/{ids[0]}').status_code)
        self.assertEqual([], other.get(
            '/v2/queues/iso/messages?echo=true').json()['messages'])
        self.assertEqual(204, other.post('/v2/queues/iso/claims')
                         .status_code)
        self.assertEqual(0, other.get('/v2/queues/iso/stats')
                         .json()['messages']['total'])
        other.delete(f'/v2/queues/iso/messages/{ids[0]}')
        self.assertEqual(200, self.http.get(
            f'/v2/queues/iso/messages/{ids[0]}').status_code)
