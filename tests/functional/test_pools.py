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

"""Pools and flavors admin API, queue placement and pooled health (live)."""

from __future__ import annotations

import os
import shutil
import tempfile
import unittest
import uuid

from tests.functional import pooled
from tests.functional import server as fserver


def dead_redis_uri() -> str:
    return f'redis://127.0.0.1:{fserver.free_port()}'


class PooledServerCase(pooled.TwoPoolServerCase):
    """Pools ``redis-a`` and ``sqlite``, and a spare Redis for new pools."""

    redis_servers = 2

    def setUp(self):
        super().setUp()
        self.admin = pooled.admin(self.server.url)
        self.member = fserver.Client(self.server.url, roles='member')
        self.tag = uuid.uuid4().hex[:8]

    def assertError(self, resp, status, title=None, description=None):
        self.assertEqual(status, resp.status_code, resp.text)
        body = resp.json()
        if title is not None:
            self.assertEqual(title, body['title'])
        if description is not None:
            self.assertEqual(description, body.get('description'))
        return body

    def new_pool(self, uri: str | None = None, **extra) -> str:
        """A fresh pool (its own SQLite file) removed after the test."""
        name = f'p-{self.tag}-{uuid.uuid4().hex[:4]}'
        pooled.register(self.admin, name,
                        uri or self.env.sqlite_uri(name), **extra)
        self.addCleanup(self.admin.delete, f'/v2/pools/{name}')
        return name

    def new_flavor(self, pools: list[str]) -> str:
        name = f'f-{self.tag}-{uuid.uuid4().hex[:4]}'
        resp = self.admin.put(f'/v2/flavors/{name}',
                              json={'pool_list': pools})
        self.assertEqual(201, resp.status_code, resp.text)
        self.addCleanup(self.admin.delete, f'/v2/flavors/{name}')
        return name


class PoolsApiTest(PooledServerCase):

    def test_register_read_change_and_remove_a_pool(self):
        name = f'p-{self.tag}'
        uri = self.env.sqlite_uri(name)
        resp = self.admin.put(f'/v2/pools/{name}',
                              json={'uri': uri, 'weight': 10,
                                    'options': {'k': 'v'}})
        self.assertEqual(201, resp.status_code, resp.text)
        self.assertEqual(f'/v2/pools/{name}', resp.headers['Location'])
        self.assertEqual(b'', resp.content)
        shown = {'name': name, 'uri': uri, 'weight': 10, 'flavor': None,
                 'href': f'/v2/pools/{name}'}
        self.assertEqual(shown, self.admin.get(f'/v2/pools/{name}').json())
        self.assertEqual({**shown, 'options': {'k': 'v'}}, self.admin.get(
            f'/v2/pools/{name}?detailed=true').json())

        resp = self.admin.patch(f'/v2/pools/{name}', json={'weight': 20})
        self.assertEqual(200, resp.status_code, resp.text)
        self.assertEqual({**shown, 'weight': 20}, resp.json())
        self.assertError(self.admin.patch(f'/v2/pools/{name}', json={}), 400,
                         'Invalid request body',
                         'One of `uri`, `weight`, `flavor`, or `options` '
                         'needs to be specified')

        self.assertEqual(204, self.admin.delete(
            f'/v2/pools/{name}').status_code)
        self.assertEqual(204, self.admin.delete(
            f'/v2/pools/{name}').status_code)
        self.assertError(self.admin.get(f'/v2/pools/{name}'), 404,
                         'Not found', f'Pool {name} does not exist')
        self.assertError(self.admin.patch(f'/v2/pools/{name}',
                                          json={'weight': 1}), 404)

    def test_put_again_replaces_the_pool(self):
        name = self.new_pool()
        resp = self.admin.put(f'/v2/pools/{name}', json={
            'uri': self.env.sqlite_uri(name), 'weight': 3})
        self.assertEqual(201, resp.status_code)
        self.assertEqual(3, self.admin.get(f'/v2/pools/{name}').json()[
            'weight'])

    def test_list_pages_with_links_and_content_location(self):
        names = sorted(self.new_pool() for _ in range(3))
        path = f'/v2/pools?marker=p-{self.tag}&limit=2&detailed=true'
        resp = self.admin.get(path)
        self.assertEqual(200, resp.status_code, resp.text)
        self.assertEqual(path, resp.headers['Content-Location'])
        body = resp.json()
        self.assertEqual(['links', 'pools'], list(body))
        self.assertEqual(names[:2], [p['name'] for p in body['pools']])
        self.assertIn('options', body['pools'][0])
        link = body['links'][0]
        self.assertEqual('next', link['rel'])
        rest = self.admin.get(link['href']).json()
        self.assertEqual(names[2:3], [p['name'] for p in rest['pools']
                                      if p['name'].startswith('p-' +
                                                              self.tag)])
        self.assertError(self.admin.get('/v2/pools?limit=21'), 400)

    def test_put_validates_the_document(self):
        path = f'/v2/pools/p-{self.tag}'
        uri = self.env.sqlite_uri('x')
        for doc, message in (
                ({'weight': 1}, "'uri' is a required property"),
                ({'uri': uri, 'weight': -1},
                 '-1 is less than the minimum of 0'),
                ({'uri': uri, 'weight': 'a'},
                 "'a' is not of type 'integer'")):
            self.assertError(self.admin.put(path, json=doc), 400,
                             'Invalid request body', message)
        self.assertError(self.admin.put(path, json={
            'uri': uri, 'weight': 1, 'group': 'g'}), 400,
            'Invalid request body')
        self.assertError(self.admin.put(path, data='[1]'), 400,
                         'Invalid request body', 'Document type not '
                         'supported.')

    def test_put_needs_a_reachable_store_of_a_known_driver(self):
        for uri in ('foo://127.0.0.1/x', dead_redis_uri()):
            self.assertError(
                self.admin.put(f'/v2/pools/p-{self.tag}',
                               json={'uri': uri, 'weight': 1}),
                400, 'Invalid request body', f'cannot connect to {uri}')
        self.assertError(self.admin.get(f'/v2/pools/p-{self.tag}'), 404)

    def test_a_second_pool_on_a_used_uri_conflicts(self):
        self.assertError(self.admin.put(f'/v2/pools/p-{self.tag}', json={
            'uri': self.env.redis[0].url, 'weight': 1}), 409,
            'Resource conflict')
        other = self.new_pool()
        self.assertError(self.admin.patch(f'/v2/pools/{other}', json={
            'uri': self.env.redis[0].url}), 409, 'Resource conflict')

    def test_pools_are_for_admins_only(self):
        for resp in (self.member.get('/v2/pools'),
                     self.member.get('/v2/pools/redis-a'),
                     self.member.put(f'/v2/pools/p-{self.tag}', json={
                         'uri': self.env.sqlite_uri('y'), 'weight': 1}),
                     self.member.delete('/v2/pools/redis-a')):
            self.assertError(resp, 403, 'Not authorized')

    def test_pool_holding_queues_cannot_be_deleted(self):
        pool = self.new_pool()
        flavor = self.new_flavor([pool])
        queue = f'q-{self.tag}'
        self.assertEqual(201, self.member.put(f'/v2/queues/{queue}', json={
            '_flavor': flavor}).status_code)
        self.assertError(self.admin.delete(f'/v2/pools/{pool}'), 409,
                         'Resource conflict')
        self.member.delete(f'/v2/queues/{queue}')
        self.assertError(
            self.admin.delete(f'/v2/pools/{pool}'), 403, 'Unable to delete',
            f'This pool is used by flavors {flavor}; It cannot be deleted.')
        self.admin.delete(f'/v2/flavors/{flavor}')
        self.assertEqual(204, self.admin.delete(
            f'/v2/pools/{pool}').status_code)


class FlavorsApiTest(PooledServerCase):

    def test_create_read_change_and_delete_a_flavor(self):
        first, second = self.new_pool(), self.new_pool()
        name = f'f-{self.tag}'
        resp = self.admin.put(f'/v2/flavors/{name}',
                              json={'pool_list': [first, second]})
        self.assertEqual(201, resp.status_code, resp.text)
        self.assertEqual(f'/v2/flavors/{name}', resp.headers['Location'])
        expected = {'name': name, 'capabilities': [
            'FIFO', 'CLAIMS', 'DURABILITY', 'AOD', 'HIGH_THROUGHPUT'],
            'pool_list': sorted([first, second]),
            'href': f'/v2/flavors/{name}'}
        self.assertEqual(expected, self.member.get(
            f'/v2/flavors/{name}').json())
        self.assertEqual(name, self.admin.get(
            f'/v2/pools/{first}').json()['flavor'])

        resp = self.admin.patch(f'/v2/flavors/{name}',
                                json={'pool_list': [second]})
        self.assertEqual(200, resp.status_code, resp.text)
        self.assertEqual({**expected, 'pool_list': [second]}, resp.json())
        self.assertIsNone(self.admin.get(f'/v2/pools/{first}').json()[
            'flavor'])
        self.assertError(self.admin.patch(f'/v2/flavors/{name}', json={}),
                         400, 'Invalid request body',
                         '`pool_list` needs to be specified')

        self.assertEqual(204, self.admin.delete(
            f'/v2/flavors/{name}').status_code)
        self.assertEqual(204, self.admin.delete(
            f'/v2/flavors/{name}').status_code)
        self.assertIsNone(self.admin.get(f'/v2/pools/{second}').json()[
            'flavor'])
        self.assertError(self.member.get(f'/v2/flavors/{name}'), 404,
                         'Not found', f'Flavor {name} does not exist')
        self.assertError(self.admin.patch(f'/v2/flavors/{name}', json={
            'pool_list': []}), 404)

    def test_capabilities_are_what_every_pool_offers(self):
        name = self.new_flavor(['redis-a', self.new_pool()])
        self.assertEqual(['FIFO', 'CLAIMS', 'AOD', 'HIGH_THROUGHPUT'],
                         self.member.get(f'/v2/flavors/{name}').json()[
                             'capabilities'])
        self.admin.patch(f'/v2/flavors/{name}', json={'pool_list': []})

    def test_create_checks_the_document_and_the_pools(self):
        path = f'/v2/flavors/f-{self.tag}'
        self.assertError(self.admin.put(path, json={}), 400,
                         'Invalid request body',
                         "'pool_list' is a required property")
        self.assertError(
            self.admin.put(path, json={'pool_list': ['nope']}), 400,
            'Unable to create',
            f'Flavor f-{self.tag} could not be created, error:Pool nope '
            f'does not exist')
        self.assertError(self.member.get(path), 404)

    def test_list_is_paged_and_detailed_on_request(self):
        names = sorted(self.new_flavor([]) for _ in range(2))
        resp = self.member.get(f'/v2/flavors?marker=f-{self.tag}&limit=1')
        self.assertEqual(200, resp.status_code, resp.text)
        body = resp.json()
        self.assertEqual([{'name': names[0], 'pool_list': [],
                           'href': f'/v2/flavors/{names[0]}'}],
                         body['flavors'])
        self.assertEqual(f'/v2/flavors?marker=f-{self.tag}&limit=1',
                         resp.headers['Content-Location'])
        detailed = self.member.get(f'/v2/flavors?marker=f-{self.tag}&'
                                   f'detailed=true').json()['flavors']
        self.assertEqual([], detailed[0]['capabilities'])

    def test_flavor_writes_are_for_admins(self):
        path = f'/v2/flavors/f-{self.tag}'
        self.assertError(self.member.put(path, json={'pool_list': []}), 403)
        name = self.new_flavor([])
        self.assertError(self.member.patch(f'/v2/flavors/{name}', json={
            'pool_list': []}), 403)
        self.assertError(self.member.delete(f'/v2/flavors/{name}'), 403)
        self.assertEqual(200, fserver.Client(
            self.server.url, roles='reader').get('/v2/flavors').status_code)


class PlacementTest(PooledServerCase):

    def placement(self, project: str, queue: str) -> str | None:
        store = self.env.store()
        try:
            return store.catalogue_controller.get(project, queue)
        finally:
            store.close()

    def test_a_queue_goes_to_a_pool_of_its_flavor(self):
        pool = self.new_pool()
        flavor = self.new_flavor([pool])
        queue = f'q-{self.tag}'
        resp = self.member.put(f'/v2/queues/{queue}',
                               json={'_flavor': flavor, 'a': 1})
        self.assertEqual(201, resp.status_code, resp.text)
        self.addCleanup(self.member.delete, f'/v2/queues/{queue}')
        self.assertEqual(pool, self.placement(self.member.project, queue))
        self.assertEqual(201, self.member.post(
            f'/v2/queues/{queue}/messages',
            json={'messages': [{'body': 1}]}).status_code)
        self.assertEqual(1, self.member.get(
            f'/v2/queues/{queue}/stats').json()['messages']['total'])

    def test_queues_without_flavor_avoid_flavored_pools(self):
        flavored = self.new_pool()
        self.new_flavor([flavored])
        for i in range(12):
            queue = f'q-{self.tag}-{i}'
            self.member.post(f'/v2/queues/{queue}/messages',
                             json={'messages': [{'body': i}]})
            self.addCleanup(self.member.delete, f'/v2/queues/{queue}')
            self.assertIn(self.placement(self.member.project, queue),
                          ('redis-a', 'sqlite'))

    def test_unknown_flavor_is_refused(self):
        self.assertError(self.member.put(f'/v2/queues/q-{self.tag}', json={
            '_flavor': 'nope'}), 400, 'Invalid API request',
            'Flavor nope does not exist')
        self.assertIsNone(self.placement(self.member.project,
                                         f'q-{self.tag}'))

    def test_unplaced_queue_reads_like_a_missing_queue(self):
        queue = f'q-{self.tag}'
        self.assertEqual(200, self.member.get(
            f'/v2/queues/{queue}').status_code)
        self.assertEqual({'claimed': 0, 'free': 0, 'total': 0},
                         self.member.get(f'/v2/queues/{queue}/stats').json()[
                             'messages'])
        self.assertEqual(404, self.member.head(
            f'/v2/queues/{queue}').status_code)
        self.assertIsNone(self.placement(self.member.project, queue))

    def test_listing_merges_the_pools_in_name_order(self):
        names = [f'q-{self.tag}-{i:02d}' for i in range(15)]
        for name in reversed(names):
            self.member.put(f'/v2/queues/{name}')
            self.addCleanup(self.member.delete, f'/v2/queues/{name}')
        seen, path = [], '/v2/queues?limit=4&with_count=true'
        while True:
            body = self.member.get(path).json()
            if not body['queues']:
                break
            self.assertEqual(15, body['count'])
            seen += [q['name'] for q in body['queues']]
            path = body['links'][0]['href']
        self.assertEqual(names, seen)
        used = {self.placement(self.member.project, n) for n in names}
        self.assertEqual({'redis-a', 'sqlite'}, used)

    def test_dead_letter_queue_stays_with_its_source(self):
        dlq = f'dlq-{self.tag}'
        for i in range(6):
            queue = f'q-{self.tag}-{i}'
            self.assertEqual(201, self.member.put(f'/v2/queues/{queue}', json={
                '_dead_letter_queue': dlq, '_max_claim_count': 1}
            ).status_code)
            self.addCleanup(self.member.delete, f'/v2/queues/{queue}')
        self.addCleanup(self.member.delete, f'/v2/queues/{dlq}')
        project = self.member.project
        pools = {self.placement(project, f'q-{self.tag}-{i}')
                 for i in range(6)}
        self.assertEqual({self.placement(project, dlq)}, pools)


class HealthAndHomeTest(PooledServerCase):

    def test_health_shows_each_pool(self):
        resp = self.admin.get('/v2/health')
        self.assertEqual(200, resp.status_code, resp.text)
        body = resp.json()
        self.assertTrue(body['storage_reachable'])
        self.assertEqual({'redis-a', 'sqlite'}, set(body['pools']))
        for pool in body['pools'].values():
            self.assertTrue(pool['storage_reachable'])
            self.assertTrue(all(step['succeeded'] for step in
                                pool['operation_status'].values()))

    def test_home_document_lists_the_admin_routes(self):
        resources = self.member.get('/v2/').json()['resources']
        for rel in ('rel/pools', 'rel/pool', 'rel/flavors', 'rel/flavor',
                    'rel/health'):
            self.assertIn(rel, resources)


class NoPoolsTest(pooled.PooledServerBase):
    """Pooling on, nothing registered: clear 503s, never a 500."""

    def test_writes_answer_503_saying_no_pool_is_registered(self):
        http = fserver.Client(self.server.url)
        for resp in (http.put('/v2/queues/q1'),
                     http.post('/v2/queues/q1/messages',
                               json={'messages': [{'body': 1}]}),
                     http.post('/v2/queues/q1/subscriptions', json={
                         'subscriber': 'http://127.0.0.1:9/x'})):
            self.assertEqual(503, resp.status_code, resp.text)
            body = resp.json()
            self.assertEqual('Service temporarily unavailable', body['title'])
            self.assertIn('No pools registered', body['description'])

    def test_reads_see_an_empty_project(self):
        http = fserver.Client(self.server.url)
        self.assertEqual({'queues': [], 'links': []},
                         http.get('/v2/queues').json())
        self.assertEqual(200, http.get('/v2/queues/q1/messages').status_code)
        self.assertEqual(204, http.get('/v2/ping').status_code)


class PoolingOffTest(unittest.TestCase):
    """admin_mode without pooling: the pool and flavor routes are 404."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._tmp = tempfile.mkdtemp(prefix='zaqar-nopool-')
        cls.server = fserver.Server(
            'sqlite:///' + os.path.join(cls._tmp, 'z.db'), 'sqlalchemy',
            'admin_mode = true').start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls._tmp, ignore_errors=True)
        shutil.rmtree(cls.server.dir, ignore_errors=True)
        super().tearDownClass()

    def test_pools_and_flavors_are_not_routed(self):
        http = pooled.admin(self.server.url)
        for resp in (http.get('/v2/pools'), http.get('/v2/pools/p'),
                     http.put('/v2/pools/p', json={'uri': 'redis://x',
                                                   'weight': 1}),
                     http.get('/v2/flavors'), http.delete('/v2/flavors/f'),
                     http.post('/v2/pools')):
            self.assertEqual(404, resp.status_code, resp.text)
            self.assertEqual({'title': '404 Not Found'}, resp.json())


class PoolSamplesTest(pooled.PooledServerBase):
    """The API reference's pool and flavor samples are what a pooled server
    answers (the main sample scenario runs without pooling)."""

    SAMPLE_POOL_URI = 'redis://127.0.0.1:6379'

    def test_pool_and_flavor_samples_match_the_server(self):
        from tests import backends
        from tests.functional import test_api_samples as samples
        from tests.functional.samples import scenario, shape
        if not backends.reachable(self.SAMPLE_POOL_URI):
            backends.unavailable(self, 'redis',
                                 f'{self.SAMPLE_POOL_URI} not reachable')
        rec = scenario.Recorder()
        scenario._pools_and_flavors(rec, pooled.admin(
            self.server.url, project=scenario.PROJECT))
        self.assertEqual([], rec.missing)
        checked_in = {n for n in os.listdir(samples.SAMPLES)
                      if n.startswith(('pool', 'flavor'))}
        self.assertEqual(checked_in, set(rec.samples))
        for name, document in sorted(rec.samples.items()):
            with self.subTest(sample=name):
                self.assertEqual(shape.shape(samples.read_sample(name)),
                                 shape.shape(document))
