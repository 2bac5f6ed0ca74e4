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

"""What Heat and its guest tooling send, accepted as they send it.

A development-mode server driven by raw HTTP and python-zaqarclient 4.x:
the /v1.1 routes of heat-config-notify and old os-collect-config, the
"forever" ttl of Heat's OS::Zaqar::Subscription, and metadata PATCHed onto
a queue that was never created (what Heat's OS::Zaqar::Queue does).
"""

from __future__ import annotations

import json

from zaqarclient.queues.v2 import client as zaqar_client

from tests.functional import base

PATCH = {'Content-Type': 'application/openstack-messaging-v2.0-json-patch'}
# OS::Zaqar::Subscription's default ttl (seconds): Heat's "forever".
HEAT_FOREVER_TTL = 220367260800
# The longest ttl this service stores (zaqar.api.subscriptions.MAX_TTL).
STORED_TTL_CAP = 2 ** 31 - 1


class V1_1RoutesTest(base.ServerTestCase):
    """POST and pop on /v1.1/queues/<q>/messages; every other path 404."""

    def test_post_then_pop_round_trip_through_v2(self):
        resp = self.http.post('/v1.1/queues/signals/messages', json={
            'messages': [{'body': {'deploy_status_code': 0}, 'ttl': 600}]})
        self.assertEqual(201, resp.status_code, resp.text)
        (href,) = resp.json()['resources']
        self.assertTrue(href.startswith('/v1.1/queues/signals/messages/'))
        message_id = href.rsplit('/', 1)[1]
        # The same message, seen through v2.
        seen = self.http.get(f'/v2/queues/signals/messages/{message_id}')
        self.assertEqual({'deploy_status_code': 0}, seen.json()['body'])
        # Posted through v2, popped through v1.1.
        self.http.post('/v2/queues/signals/messages', json={
            'messages': [{'body': 'second', 'ttl': 600}]})
        popped = self.http.delete('/v1.1/queues/signals/messages?pop=5')
        self.assertEqual(200, popped.status_code, popped.text)
        messages = popped.json()['messages']
        self.assertEqual(
            [{'deploy_status_code': 0}, 'second'],
            [m['body'] for m in messages])
        for msg in messages:
            self.assertEqual({'id', 'href', 'ttl', 'age', 'body'}, set(msg))
            self.assertEqual(f'/v1.1/queues/signals/messages/{msg["id"]}',
                             msg['href'])
        again = self.http.delete('/v1.1/queues/signals/messages?pop=5')
        self.assertEqual([], again.json()['messages'])

    def test_v1_1_checks_requests_like_v2(self):
        resp = self.http.post('/v1.1/queues/signals/messages',
                              json={'messages': []})
        self.assertError(resp, 400)
        resp = self.http.post('/v1.1/queues/bad%20name/messages',
                              json={'messages': [{'body': 1}]})
        self.assertError(resp, 400)
        resp = self.http.post('/v1.1/queues/signals/messages',
                              headers={'Client-ID': None},
                              json={'messages': [{'body': 1}]})
        self.assertError(resp, 400, 'Missing header value')

    def test_every_other_v1_1_path_is_404(self):
        for method, path in (('GET', '/v1.1'), ('GET', '/v1.1/'),
                             ('GET', '/v1.1/queues'),
                             ('PUT', '/v1.1/queues/q'),
                             ('GET', '/v1.1/queues/q'),
                             ('GET', '/v1.1/queues/q/stats'),
                             ('POST', '/v1.1/queues/q/claims'),
                             ('GET', '/v1.1/queues/q/messages/abc'),
                             ('GET', '/v1.1/health'),
                             ('GET', '/v1.1/pools')):
            with self.subTest(path=path, method=method):
                self.assertError(self.http.request(method, path), 404)

    def test_v1_1_messages_are_the_projects_own(self):
        self.http.post('/v1.1/queues/mine/messages',
                       json={'messages': [{'body': 'private'}]})
        other = self.client()
        popped = other.delete('/v1.1/queues/mine/messages?pop=1')
        self.assertEqual([], popped.json()['messages'])
        self.assertEqual(1, self.http.get('/v2/queues/mine/stats')
                         .json()['messages']['total'])


class HeatSubscriptionTtlTest(base.ServerTestCase):
    """OS::Zaqar::Subscription's default ttl is accepted, stored capped."""

    def test_forever_ttl_is_created_and_capped(self):
        resp = self.http.post('/v2/queues/events/subscriptions', json={
            'subscriber': 'http://127.0.0.1:9/hook', 'ttl': HEAT_FOREVER_TTL})
        self.assertEqual(201, resp.status_code, resp.text)
        sub_id = resp.json()['subscription_id']
        got = self.http.get(f'/v2/queues/events/subscriptions/{sub_id}')
        self.assertEqual(STORED_TTL_CAP, got.json()['ttl'])

    def test_forever_ttl_on_update_is_capped(self):
        resp = self.http.post('/v2/queues/events/subscriptions', json={
            'subscriber': 'http://127.0.0.1:9/upd', 'ttl': 3600})
        sub_id = resp.json()['subscription_id']
        path = f'/v2/queues/events/subscriptions/{sub_id}'
        self.assertEqual(204, self.http.patch(
            path, json={'ttl': HEAT_FOREVER_TTL}).status_code)
        self.assertEqual(STORED_TTL_CAP, self.http.get(path).json()['ttl'])

    def test_null_options_mean_none(self):
        """What OS::Zaqar::Subscription sends when options are unset."""
        resp = self.http.post('/v2/queues/events/subscriptions', json={
            'subscriber': 'http://127.0.0.1:9/null', 'ttl': 3600,
            'options': None})
        self.assertEqual(201, resp.status_code, resp.text)
        sub_id = resp.json()['subscription_id']
        got = self.http.get(f'/v2/queues/events/subscriptions/{sub_id}')
        self.assertEqual({}, got.json()['options'])
        self.assertError(self.http.post('/v2/queues/events/subscriptions',
                                        json={'subscriber': 'http://x/y',
                                              'options': []}), 400)

    def test_ttl_past_year_9999_is_still_refused(self):
        resp = self.http.post('/v2/queues/events/subscriptions', json={
            'subscriber': 'http://127.0.0.1:9/far', 'ttl': 10 ** 13})
        self.assertError(resp, 400)


class LazyPatchTest(base.ServerTestCase):
    """PATCH of a never-created queue creates it with the patch applied."""

    def test_patch_creates_the_queue_with_the_metadata(self):
        ops = [{'op': 'add', 'path': '/metadata/owner', 'value': 'heat'},
               {'op': 'add', 'path': '/metadata/_default_message_ttl',
                'value': 900}]
        resp = self.http.patch('/v2/queues/fresh', headers=PATCH,
                               data=json.dumps(ops))
        self.assertEqual(200, resp.status_code, resp.text)
        self.assertEqual(204, self.http.head('/v2/queues/fresh').status_code)
        got = self.http.get('/v2/queues/fresh').json()
        self.assertEqual(('heat', 900),
                         (got['owner'], got['_default_message_ttl']))
        names = [q['name'] for q in self.http.get('/v2/queues').json()
                 ['queues']]
        self.assertIn('fresh', names)

    def test_invalid_patch_creates_nothing(self):
        ops = [{'op': 'add', 'path': '/metadata/_default_message_ttl',
                'value': 5}]
        resp = self.http.patch('/v2/queues/never', headers=PATCH,
                               data=json.dumps(ops))
        self.assertError(resp, 400)
        self.assertEqual(404, self.http.head('/v2/queues/never').status_code)
        ops = [{'op': 'replace', 'path': '/metadata/absent', 'value': 1}]
        resp = self.http.patch('/v2/queues/never', headers=PATCH,
                               data=json.dumps(ops))
        self.assertError(resp, 409)
        self.assertEqual(404, self.http.head('/v2/queues/never').status_code)

    def test_patch_of_an_existing_queue_still_patches(self):
        self.http.put('/v2/queues/kept', json={'a': 1})
        ops = [{'op': 'replace', 'path': '/metadata/a', 'value': 2}]
        resp = self.http.patch('/v2/queues/kept', headers=PATCH,
                               data=json.dumps(ops))
        self.assertEqual(2, resp.json()['a'])

    def test_topics_stay_404(self):
        resp = self.http.patch('/v2/topics/nosuch', headers=PATCH,
                               data=json.dumps([]))
        self.assertError(resp, 404)

    def test_zaqarclient_sets_metadata_on_a_new_queue(self):
        """What Heat's in-tree OS::Zaqar::Queue does with metadata."""
        client = zaqar_client.Client(self.server.url, version=2, conf={
            'auth_opts': {'backend': 'noauth',
                          'options': {'os_project_id': self.http.project}}})
        queue = client.queue('heat-made', auto_create=False)
        queue.metadata(new_meta={'purpose': 'deployments',
                                 '_default_message_ttl': 900})
        got = self.http.get('/v2/queues/heat-made').json()
        self.assertEqual(('deployments', 900),
                         (got['purpose'], got['_default_message_ttl']))
        self.assertEqual(204, self.http.head('/v2/queues/heat-made')
                         .status_code)
