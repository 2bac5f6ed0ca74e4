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

"""Queue routes over HTTP, error paths included (spec §4-5)."""

from __future__ import annotations

import json

from tests.functional import base

PATCH = {'Content-Type': 'application/openstack-messaging-v2.0-json-patch'}
DEFAULTS = {
    '_max_messages_post_size': 262144, '_default_message_ttl': 3600,
    '_default_message_delay': 0, '_dead_letter_queue': None,
    '_dead_letter_queue_messages_ttl': None, '_max_claim_count': None,
    '_enable_encrypt_messages': False, '_dedup_window': 300,
}


class QueueTest(base.ServerTestCase):

    def test_create_then_again(self):
        resp = self.http.put('/v2/queues/fq1')
        self.assertEqual(201, resp.status_code)
        self.assertEqual('/v2/queues/fq1',
                         resp.headers['Location'].replace(self.server.url,
                                                          ''))
        self.assertEqual(b'', resp.content)
        resp = self.http.put('/v2/queues/fq1', json={'a': 2})
        self.assertEqual(204, resp.status_code)
        self.assertNotIn('a', self.http.get('/v2/queues/fq1').json())

    def test_put_existing_keeps_metadata(self):
        self.http.put('/v2/queues/keep', json={'a': 1})
        self.http.put('/v2/queues/keep', json={'a': 2})
        self.assertEqual(1, self.http.get('/v2/queues/keep').json()['a'])

    def test_names(self):
        for name in ('a' * 64, 'a.b_c-d'):
            self.assertEqual(201, self.http.put(f'/v2/queues/{name}')
                             .status_code)
        for name in ('a' * 65, 'bad%20name', 'bad*'):
            self.assertError(self.http.put(f'/v2/queues/{name}'), 400,
                             'Invalid queue identification')

    def test_get_missing_queue_shows_defaults(self):
        resp = self.http.get('/v2/queues/never')
        self.assertEqual(200, resp.status_code)
        self.assertEqual(DEFAULTS, resp.json())

    def test_head(self):
        self.assertEqual(404, self.http.head('/v2/queues/nohead').status_code)
        self.http.put('/v2/queues/yeshead')
        self.assertEqual(204, self.http.head('/v2/queues/yeshead')
                         .status_code)

    def test_metadata_validation(self):
        too_big = json.dumps({'k': 'x' * 65536})
        self.assertError(self.http.put('/v2/queues/big', data=too_big), 400,
                         'Invalid API request',
                         'Queue metadata is too large. Max size: 65536')
        self.assertError(self.http.put('/v2/queues/m',
                                       json={'_default_message_ttl': 30}),
                         400, 'Invalid API request')
        body = self.assertError(
            self.http.put('/v2/queues/m',
                          json={'_default_message_ttl': 'abc'}), 400)
        self.assertIn('must be integer', body['description'])
        self.assertError(self.http.put('/v2/queues/m', data='[1]'), 400,
                         'Invalid request body', 'Document type not supported.')
        self.assertError(self.http.put('/v2/queues/m', data='{'), 400,
                         'Invalid request body',
                         'Request body could not be parsed.')
        self.assertError(self.http.put(
            '/v2/queues/m', json={'_enable_encrypt_messages': 'yes'}), 400)

    def test_patch(self):
        self.http.put('/v2/queues/pq', json={'a': 1})
        url = '/v2/queues/pq'
        self.assertEqual(415, self.http.patch(url, json=[]).status_code)
        ok = self.http.patch(url, headers=PATCH, data=json.dumps([
            {'op': 'add', 'path': '/metadata/b', 'value': 2},
            {'op': 'replace', 'path': '/metadata/a', 'value': 3},
            {'op': 'replace', 'path': '/metadata/_default_message_ttl',
             'value': 120}]))
        self.assertEqual(200, ok.status_code, ok.text)
        self.assertEqual(3, ok.json()['a'])
        self.assertEqual(120, ok.json()['_default_message_ttl'])
        self.assertEqual(2, self.http.get(url).json()['b'])

        def patch(ops):
            return self.http.patch(url, headers=PATCH, data=json.dumps(ops))

        self.assertError(patch([{'op': 'replace', 'path': '/metadata/nope',
                                 'value': 1}]), 409, 'Resource conflict')
        self.assertError(patch([{'op': 'remove', 'path': '/metadata/nope'}]),
                         409)
        self.assertEqual(200, patch([{'op': 'remove',
                                      'path': '/metadata/_max_claim_count'}])
                         .status_code)
        self.assertError(patch([{'op': 'add', 'path': '/metadata/a/b',
                                 'value': 1}]), 400)
        self.assertError(patch([{'op': 'add', 'path': '/foo/x',
                                 'value': 1}]), 400)
        self.assertError(patch({'op': 'add'}), 400, 'Invalid request body')
        self.assertError(patch([1]), 400, 'Invalid request body',
                         'Operations must be JSON objects.')
        self.assertError(patch([{'op': 'move', 'path': '/metadata/a'}]), 400)
        self.assertError(patch([{'op': 'add', 'path': '/metadata/x'}]), 400)
        self.assertError(patch([{'op': 'add',
                                 'path': '/metadata/_default_message_ttl',
                                 'value': 5}]), 400, 'Invalid request body')
        self.assertError(self.http.patch(url, headers=PATCH, data=''), 400,
                         'Invalid request body',
                         'PATCH body could not be empty for update.')
        # A queue never created patches as an empty one (lazy queues).
        fresh = self.http.patch('/v2/queues/nonexist', headers=PATCH,
                                data=json.dumps([]))
        self.assertEqual(200, fresh.status_code)
        self.assertEqual(204, self.http.head('/v2/queues/nonexist')
                         .status_code)

    def test_list_paging_and_filters(self):
        names = [f'lq{i:02d}' for i in range(12)]
        for name in reversed(names):
            self.http.put(f'/v2/queues/{name}', json={'n': name})
        page = self.http.get('/v2/queues').json()
        self.assertEqual(names[:10], [q['name'] for q in page['queues']])
        self.assertEqual('/v2/queues/lq00', page['queues'][0]['href'])
        nxt = page['links'][0]['href']
        self.assertIn('marker=lq09', nxt)
        page2 = self.http.get(nxt).json()
        self.assertEqual(names[10:], [q['name'] for q in page2['queues']])
        self.assertEqual([], self.http.get(page2['links'][0]['href'])
                         .json()['links'])
        detailed = self.http.get('/v2/queues?detailed=true&limit=2').json()
        self.assertEqual(['name', 'metadata', 'href'],
                         list(detailed['queues'][0]))
        self.assertEqual('lq00', detailed['queues'][0]['metadata']['n'])
        self.assertIn('detailed=true', detailed['links'][0]['href'])
        counted = self.http.get('/v2/queues?with_count=true&name=q1').json()
        self.assertEqual(2, counted['count'])
        self.assertEqual(['lq10', 'lq11'],
                         [q['name'] for q in counted['queues']])
        self.assertEqual([], self.http.get('/v2/queues?name=LQ').json()
                         ['queues'])

    def test_list_limits(self):
        for value in ('0', '21'):
            self.assertError(self.http.get(f'/v2/queues?limit={value}'), 400,
                             'Invalid API request',
                             'Limit must be at least 1 and no greater than '
                             '20.')
        self.assertError(self.http.get('/v2/queues?limit=abc'), 400,
                         'Invalid parameter')
        self.assertError(self.http.get('/v2/queues?detailed=maybe'), 400,
                         'Invalid parameter')

    def test_empty_list_and_isolation(self):
        self.http.put('/v2/queues/mine')
        other = self.client()
        self.assertEqual({'queues': [], 'links': []},
                         other.get('/v2/queues').json())
        self.assertEqual(0, other.get('/v2/queues?with_count=true')
                         .json()['count'])

    def test_delete_is_idempotent(self):
        self.assertEqual(204, self.http.delete('/v2/queues/gone')
                         .status_code)
        self.http.put('/v2/queues/gone')
        self.assertEqual(204, self.http.delete('/v2/queues/gone')
                         .status_code)
        self.assertEqual(404, self.http.head('/v2/queues/gone').status_code)

    def test_stats(self):
        empty = {'messages': {'claimed': 0, 'free': 0, 'total': 0}}
        self.assertEqual(empty, self.http.get('/v2/queues/nostats/stats')
                         .json())
        self.http.post('/v2/queues/st/messages',
                       json={'messages': [{'body': i} for i in range(3)]})
        self.http.post('/v2/queues/st/claims?limit=1')
        stats = self.http.get('/v2/queues/st/stats').json()['messages']
        self.assertEqual((1, 2, 3), (stats['claimed'], stats['free'],
                                     stats['total']))
        self.assertTrue(stats['oldest']['created'].endswith('Z'))
        self.assertTrue(stats['newest']['href'].startswith(
            '/v2/queues/st/messages/'))
        self.assertEqual({'age', 'created', 'href'}, set(stats['oldest']))

    def test_purge(self):
        self.http.post('/v2/queues/pg/messages',
                       json={'messages': [{'body': 1}, {'body': 2}]})
        self.http.post('/v2/queues/pg/claims?limit=1')
        self.assertError(self.http.post('/v2/queues/pg/purge',
                                        json={'resource_types': ['foo']}),
                         400)
        self.assertError(self.http.post('/v2/queues/pg/purge', json={}), 400)
        self.assertEqual(204, self.http.post('/v2/queues/pg/purge')
                         .status_code)
        self.assertEqual(0, self.http.get('/v2/queues/pg/stats')
                         .json()['messages']['total'])
        self.assertEqual(204, self.http.post(
            '/v2/queues/pg/purge', json={'resource_types': ['messages']})
            .status_code)
