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

"""Topics (spec §12): fan-out targets with subscriptions, on every driver."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid

from tests import backends
from tests.functional import base
from tests.functional import server as fserver
from tests.functional.test_notifications import Receiver
from tests.functional.test_subscriptions import conf

EXTRA = conf('[notification]', 'delivery_poll_interval = 0.2')


class TopicBehaviour:
    """The tests; each subclass runs them on one message store."""

    def setUp(self):
        super().setUp()
        self.receiver = Receiver()
        self.addCleanup(self.receiver.close)
        self.topic = f't-{uuid.uuid4().hex[:8]}'
        self.path = f'/v2/topics/{self.topic}'

    def test_create_get_patch_delete(self):
        self.assertEqual(201, self.http.put(self.path, json={'a': 1})
                         .status_code)
        resp = self.http.put(self.path, json={'a': 2})
        self.assertEqual(204, resp.status_code)
        self.assertTrue(resp.headers['Location'].endswith(self.path))
        body = self.http.get(self.path).json()
        self.assertEqual((1, 3600), (body['a'], body['_default_message_ttl']))
        resp = self.http.patch(self.path, data='[{"op": "replace", "path": '
                               '"/metadata/a", "value": 5}]', headers={
            'Content-Type': 'application/openstack-messaging-v2.0-json-patch'})
        self.assertEqual(200, resp.status_code, resp.text)
        self.assertEqual(5, resp.json()['a'])
        self.assertEqual(204, self.http.delete(self.path).status_code)
        self.assertEqual(204, self.http.delete(self.path).status_code)
        self.assertError(self.http.patch(
            self.path, data='[]', headers={'Content-Type': 'application/'
                                           'openstack-messaging-v2.0-json-'
                                           'patch'}), 404, 'Not found',
            f'Topic {self.topic} does not exist for project '
            f'{self.http.project}')

    def test_topics_and_queues_of_one_name_are_independent(self):
        self.http.put(self.path, json={'kind': 'topic'})
        self.http.put(f'/v2/queues/{self.topic}', json={'kind': 'queue'})
        self.assertEqual('topic', self.http.get(self.path).json()['kind'])
        self.assertEqual('queue', self.http.get(
            f'/v2/queues/{self.topic}').json()['kind'])
        topics = self.http.get('/v2/topics?detailed=true&with_count=true')
        self.assertEqual(200, topics.status_code)
        body = topics.json()
        self.assertEqual([{'name': self.topic, 'metadata': body['topics'][0][
            'metadata'], 'href': self.path}], body['topics'])
        self.assertEqual(1, body['count'])
        self.assertEqual([{'rel': 'next', 'href': '/v2/topics?detailed=true&'
                           f'with_count=true&marker={self.topic}'}],
                         body['links'])
        queues = self.http.get('/v2/queues').json()['queues']
        self.assertEqual([self.topic], [q['name'] for q in queues])
        self.http.delete(f'/v2/queues/{self.topic}')
        self.assertEqual('topic', self.http.get(self.path).json()['kind'])

    def test_names_and_isolation(self):
        self.assertError(self.http.put('/v2/topics/bad*name'), 400,
                         'Invalid topic identification',
                         'The format of the submitted topic name or project '
                         'id is not valid.')
        self.http.put(self.path)
        other = self.client()
        self.assertEqual({'topics': [], 'links': []},
                         other.get('/v2/topics').json())
        self.assertEqual(404, other.patch(self.path, data='[]', headers={
            'Content-Type': 'application/openstack-messaging-v2.0-json-patch'
        }).status_code)

    def test_posted_messages_fan_out_and_are_not_kept(self):
        subs = []
        for hook in ('/one', '/two'):
            resp = self.http.post(f'{self.path}/subscriptions', json={
                'subscriber': self.receiver.url + hook})
            self.assertEqual(201, resp.status_code, resp.text)
            subs.append(resp.json())
        resp = self.http.post(f'{self.path}/messages', json={
            'messages': [{'body': {'n': 1}}, {'body': {'n': 2}, 'ttl': 100}]})
        self.assertEqual(201, resp.status_code, resp.text)
        ids = [h.rsplit('/', 1)[1] for h in resp.json()['resources']]
        self.assertTrue(resp.headers['Location'].endswith(
            f'{self.path}/messages?ids={",".join(ids)}'))
        requests = self.receiver.wait(lambda rs: len(rs) >= 4)
        self.assertEqual(4, len(requests), self.server.log_tail())
        for request in requests:
            self.assertEqual(self.topic, request['doc']['topic_name'])
            self.assertNotIn('queue_name', request['doc'])
        self.assertEqual(sorted(ids * 2),
                         sorted(r['doc']['id'] for r in requests))
        self.assertEqual({'messages': [], 'links': []},
                         self.http.get(f'{self.path}/messages').json())
        self.assertError(self.http.get(f'{self.path}/messages/{ids[0]}'),
                         404, 'Not found')
        self.assertEqual(204, self.http.delete(
            f'{self.path}/messages/{ids[0]}').status_code)
        self.assertEqual({'messages': {'claimed': 0, 'free': 0, 'total': 0}},
                         self.http.get(f'{self.path}/stats').json())
        self.assertEqual(404, self.http.post(f'{self.path}/claims')
                         .status_code)

    def test_post_is_validated_like_a_queue_post(self):
        self.assertError(self.http.post(f'{self.path}/messages',
                                        json={'messages': []}), 400,
                         'Invalid API request', 'No messages to enqueu.')
        self.assertError(self.http.post(f'{self.path}/messages', json={
            'messages': [{'body': 1, 'ttl': 10}]}), 400,
            'Invalid API request')

    def test_subscriptions_crud_and_purge(self):
        url = self.receiver.url + '/crud'
        resp = self.http.post(f'{self.path}/subscriptions',
                              json={'subscriber': url, 'ttl': 300})
        sub_id = resp.json()['subscription_id']
        self.assertTrue(resp.headers['Location'].endswith(
            f'{self.path}/subscriptions'))
        body = self.http.get(f'{self.path}/subscriptions/{sub_id}').json()
        self.assertEqual((self.topic, url, 300),
                         (body['source'], body['subscriber'], body['ttl']))
        listed = self.http.get(f'{self.path}/subscriptions').json()
        self.assertEqual([sub_id], [s['id'] for s in listed['subscriptions']])
        self.assertEqual([], self.http.get(
            f'/v2/queues/{self.topic}/subscriptions').json()['subscriptions'])
        self.assertEqual(204, self.http.patch(
            f'{self.path}/subscriptions/{sub_id}',
            json={'options': {'x': 1}}).status_code)
        self.assertEqual(204, self.http.put(
            f'{self.path}/subscriptions/{sub_id}/confirm',
            json={'confirmed': True}).status_code)
        resp = self.http.post(f'{self.path}/subscriptions',
                              json={'subscriber': url})
        self.assertEqual(409, resp.status_code)
        self.assertTrue(resp.headers['Location'].endswith(
            f'{self.path}/subscriptions'))
        self.assertEqual(204, self.http.post(f'{self.path}/purge').status_code)
        self.assertEqual(404, self.http.get(
            f'{self.path}/subscriptions/{sub_id}').status_code)

    def test_no_route_answers_5xx(self):
        self.http.put(self.path)
        sub = 'x' * 24
        paths = ['/v2/topics', self.path, f'{self.path}/stats',
                 f'{self.path}/purge', f'{self.path}/messages',
                 f'{self.path}/messages/abc', f'{self.path}/subscriptions',
                 f'{self.path}/subscriptions/{sub}',
                 f'{self.path}/subscriptions/{sub}/confirm',
                 f'{self.path}/nothing']
        for path in paths:
            for method in ('GET', 'PUT', 'POST', 'PATCH', 'DELETE', 'HEAD'):
                resp = self.http.request(method, path, json={})
                self.assertLess(resp.status_code, 500,
                                f'{method} {path}: {resp.text}')


class TopicSQLiteTest(TopicBehaviour, base.ServerTestCase):
    extra_conf = EXTRA


class TopicRedisTest(TopicBehaviour, base.ServerTestCase):

    @classmethod
    def setUpClass(cls):
        url = backends.url('redis')
        cls._tmp = tempfile.mkdtemp(prefix='zaqar-func-db-')
        cls.server = None
        if not backends.reachable(url):
            return
        dbid = 1 + (os.getpid() + 3) % 15
        cls.server = fserver.Server(f'{url}?dbid={dbid}', 'redis',
                                    EXTRA).start()

    @classmethod
    def tearDownClass(cls):
        if cls.server is not None:
            cls.server.stop()
        shutil.rmtree(cls._tmp, ignore_errors=True)

    def setUp(self):
        if self.server is None:
            backends.unavailable(self, 'redis', 'not reachable')
        super().setUp()


class TopicMongoDBTest(TopicBehaviour, base.ServerTestCase):

    @classmethod
    def setUpClass(cls):
        url = backends.url('mongodb')
        cls._tmp = tempfile.mkdtemp(prefix='zaqar-func-db-')
        cls.server = None
        if not url:
            return
        cls.server = fserver.Server(url, 'mongodb', conf(
            EXTRA, '[drivers:message_store:mongodb]',
            f'database = zt_{uuid.uuid4().hex[:10]}')).start()

    @classmethod
    def tearDownClass(cls):
        if cls.server is not None:
            cls.server.stop()
        shutil.rmtree(cls._tmp, ignore_errors=True)

    def setUp(self):
        if self.server is None:
            backends.unavailable(self, 'mongodb',
                                 'ZAQAR_TEST_MONGODB_URL is not set')
        super().setUp()
