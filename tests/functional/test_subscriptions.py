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

"""Subscription routes over HTTP (spec §10), secrets and failure records."""

from __future__ import annotations

import uuid

from tests.functional import base

HOOK = 'http://127.0.0.1:9/hook'
ALLOWED = "['http', 'https', 'mailto', 'trust+http', 'trust+https']"


def conf(*lines: str) -> str:
    """extra_conf of several lines for tests.functional.server.Server."""
    return '\n'.join(lines)


class SubscriptionTest(base.ServerTestCase):

    # Nothing listens at HOOK: keep the notifier from retrying for long.
    extra_conf = conf('[notification]', 'delivery_poll_interval = 0.2')

    def path(self, queue: str, *rest: str) -> str:
        return '/'.join((f'/v2/queues/{queue}/subscriptions',) + rest)

    def subscribe(self, queue: str = 'sq', subscriber: str = HOOK,
                  **body) -> dict:
        resp = self.http.post(self.path(queue),
                              json=dict(body, subscriber=subscriber))
        self.assertEqual(201, resp.status_code, resp.text)
        return resp.json()

    def test_create_answers_id_and_secret_and_makes_the_queue(self):
        resp = self.http.post(self.path('made'), json={'subscriber': HOOK})
        self.assertEqual(201, resp.status_code)
        self.assertEqual('/v2/queues/made/subscriptions',
                         resp.headers['Location'].replace(self.server.url,
                                                          ''))
        body = resp.json()
        self.assertEqual({'subscription_id', 'secret'}, set(body))
        self.assertGreaterEqual(len(body['secret']), 32)
        self.assertEqual(204, self.http.head('/v2/queues/made').status_code)

    def test_get_shows_the_subscription_and_its_delivery_record(self):
        sub_id = self.subscribe(ttl=600, options={'a': 1})['subscription_id']
        resp = self.http.get(self.path('sq', sub_id))
        self.assertEqual(200, resp.status_code)
        body = resp.json()
        age = body.pop('age')
        self.assertIn(age, (0, 1, 2))
        self.assertEqual({'id': sub_id, 'source': 'sq', 'subscriber': HOOK,
                          'ttl': 600, 'options': {'a': 1},
                          'confirmed': False,
                          'deliveries': {'failed': 0, 'last_error': None,
                                         'last_failure_at': None}}, body)
        self.assertNotIn('secret', body)

    def test_defaults(self):
        sub_id = self.subscribe('defaults')['subscription_id']
        body = self.http.get(self.path('defaults', sub_id)).json()
        self.assertEqual((3600, {}), (body['ttl'], body['options']))

    def test_validation_errors(self):
        cases = [
            ({}, 'Missing parameter subscriber in body.'),
            ({'subscriber': 'ftp://x/y'},
             (f'The subscriber type of subscription must be supported in '
              f'the list {ALLOWED}.')),
            ({'subscriber': HOOK, 'options': []}, 'Options must be a dict.'),
            ({'subscriber': HOOK, 'ttl': 'x'}, 'TTL must be an integer.'),
            ({'subscriber': HOOK, 'ttl': 59},
             'The TTL for a subscription must be at least 60 seconds long.'),
            ({'subscriber': HOOK, 'ttl': 10 ** 18},
             ('The TTL seconds for a subscription plus current time must be '
              'less than 9999-12-31 23:59:59.999999.')),
            ({'subscriber': HOOK, 'options': {'_retry_policy': {
                'minimum_delay': 'a'}}},
             'Retry policy: minimum_delay must be a integer.'),
            ({'subscriber': HOOK, 'options': {'_retry_policy': {
                'retry_backoff_function': 1}}},
             'retry_backoff_function must be a string.'),
            ({'subscriber': HOOK, 'options': {'_retry_policy': {
                'retry_backoff_function': 'cubic'}}},
             'invalid retry_backoff_function.'),
            ({'subscriber': HOOK, 'options': {'_retry_policy': {
                'ignore_subscription_override': 'yes'}}},
             'ignore_subscription_override must be a boolean.'),
            ({'subscriber': HOOK, 'options': {'_retry_policy': {
                'minimum_delay': 40, 'maximum_delay': 30}}},
             'minimum_delay must less than maximum_delay.'),
            ({'subscriber': HOOK, 'options': {'_retry_policy': {
                'minimum_delay': 25, 'maximum_delay': 30}}},
             'invalid minimum_delay and maximum_delay.'),
        ]
        for body, description in cases:
            self.assertError(self.http.post(self.path('v'), json=body), 400,
                             'Invalid API request', description)
        self.assertError(self.http.post(self.path('v')), 400,
                         'Invalid API request',
                         'Missing parameter subscriber in body.')

    def test_queue_retry_policy_is_validated(self):
        self.assertError(self.http.put('/v2/queues/rp', json={
            '_retry_policy': {'maximum_delay': 'x'}}), 400,
            'Invalid API request',
            'Retry policy: maximum_delay must be a integer.')
        self.assertEqual(201, self.http.put('/v2/queues/rp', json={
            '_retry_policy': {'retries_with_no_delay': 1}}).status_code)

    def test_recreate_unconfirmed_is_201_with_the_same_id_and_no_secret(self):
        first = self.subscribe('again', options={'x': 1})
        resp = self.http.post(self.path('again'), json={
            'subscriber': HOOK, 'options': {'x': 2}, 'ttl': 100})
        self.assertEqual(201, resp.status_code)
        self.assertEqual({'subscription_id': first['subscription_id']},
                         resp.json())
        body = self.http.get(self.path('again',
                                       first['subscription_id'])).json()
        self.assertEqual(({'x': 1}, 3600), (body['options'], body['ttl']))

    def test_recreate_confirmed_is_409(self):
        sub_id = self.subscribe('conf')['subscription_id']
        resp = self.http.put(self.path('conf', sub_id, 'confirm'),
                             json={'confirmed': True})
        self.assertEqual(204, resp.status_code)
        self.assertTrue(resp.headers['Location'].endswith(
            self.path('conf', sub_id, 'confirm')))
        self.assertTrue(self.http.get(self.path('conf', sub_id)).json()[
            'confirmed'])
        resp = self.http.post(self.path('conf'), json={'subscriber': HOOK})
        self.assertError(resp, 409, 'Resource conflict',
                         'Such subscription already exists.Subscriptions are '
                         'unique by project + queue + subscriber URI.')
        self.assertTrue(resp.headers['Location'].endswith(
            '/v2/queues/conf/subscriptions'))

    def test_confirm_validation_and_missing(self):
        sub_id = self.subscribe('cv')['subscription_id']
        for body in ({'confirmed': 'yes'}, {}, None):
            self.assertError(self.http.put(self.path('cv', sub_id, 'confirm'),
                                           json=body), 400,
                             'Invalid API request',
                             "The 'confirmed' should be boolean.")
        missing = uuid.uuid4().hex
        self.assertError(self.http.put(self.path('cv', missing, 'confirm'),
                                       json={'confirmed': True}), 404,
                         'Not found', f'Subscription {missing} does not exist')
        self.assertEqual(204, self.http.put(
            self.path('cv', sub_id, 'confirm'),
            json={'confirmed': False}).status_code)

    def test_get_missing_is_404(self):
        for sub_id in ('nope', uuid.uuid4().hex, str(uuid.uuid4())):
            self.assertError(self.http.get(self.path('sq', sub_id)), 404,
                             'Not found',
                             f'Subscription {sub_id} does not exist')

    def test_another_projects_subscription_is_404_like_a_missing_one(self):
        sub_id = self.subscribe('mine')['subscription_id']
        other = self.client()
        for method, extra in (('GET', {}), ('PATCH', {'json': {'ttl': 100}}),
                              ('PUT', {'json': {'confirmed': True}})):
            path = self.path('mine', sub_id)
            if method == 'PUT':
                path += '/confirm'
            mine = self.http.request(method, self.path('mine', 'x' + sub_id[1:])
                                     + ('/confirm' if method == 'PUT' else ''),
                                     **extra)
            theirs = other.request(method, path, **extra)
            self.assertEqual(404, theirs.status_code, method)
            self.assertEqual(mine.json()['title'], theirs.json()['title'])
        self.assertEqual(204, other.delete(self.path('mine', sub_id))
                         .status_code)
        self.assertEqual({'subscriptions': [], 'links': []},
                         other.get(self.path('mine')).json())
        self.assertEqual(200, self.http.get(self.path('mine', sub_id))
                         .status_code)

    def test_list_pages_with_next_links(self):
        ids = sorted(self.subscribe('lst', f'http://127.0.0.1:9/h{i}')[
            'subscription_id'] for i in range(3))
        resp = self.http.get(self.path('lst') + '?limit=2')
        self.assertEqual(200, resp.status_code)
        page = resp.json()
        self.assertEqual(ids[:2], [s['id'] for s in page['subscriptions']])
        self.assertEqual([{'rel': 'next', 'href':
                           f'/v2/queues/lst/subscriptions?limit=2&marker='
                           f'{ids[1]}'}], page['links'])
        rest = self.http.get(page['links'][0]['href']).json()
        self.assertEqual(ids[2:], [s['id'] for s in rest['subscriptions']])
        self.assertEqual({'subscriptions': [], 'links': []}, self.http.get(
            self.path('empty-q')).json())
        for limit in (0, 21):
            self.assertError(self.http.get(self.path('lst') +
                                           f'?limit={limit}'), 400,
                             'Invalid API request',
                             'Limit must be at least 1 and may not be '
                             'greater than 20.')

    def test_patch(self):
        sub_id = self.subscribe('pt', options={'a': 1})['subscription_id']
        path = self.path('pt', sub_id)
        for body in ({}, None):
            self.assertError(self.http.patch(path, json=body), 400,
                             'Invalid API request', 'No subscription to create.')
        self.assertError(self.http.patch(path, json={'foo': 1}), 400,
                         'Unable to update subscription',
                         f'Subscription {sub_id} could not be updated.')
        self.assertError(self.http.patch(path, json={'ttl': 10}), 400,
                         'Invalid API request')
        resp = self.http.patch(path, json={'options': {'b': 2}, 'ttl': 300})
        self.assertEqual(204, resp.status_code)
        self.assertTrue(resp.headers['Location'].endswith(path))
        body = self.http.get(path).json()
        self.assertEqual(({'b': 2}, 300), (body['options'], body['ttl']))
        other = self.subscribe('pt', 'http://127.0.0.1:9/other')
        self.assertError(self.http.patch(path, json={
            'subscriber': 'http://127.0.0.1:9/other'}), 409,
            'Resource conflict',
            'Such subscription already exists. Subscriptions are unique by '
            'project + queue + subscriber URI.')
        self.assertIn('subscription_id', other)
        missing = uuid.uuid4().hex
        self.assertError(self.http.patch(self.path('pt', missing),
                                         json={'ttl': 100}), 404, 'Not found')

    def test_patch_rotates_the_secret(self):
        created = self.subscribe('rot')
        path = self.path('rot', created['subscription_id'])
        resp = self.http.patch(path, json={'rotate_secret': True})
        self.assertEqual(200, resp.status_code)
        body = resp.json()
        self.assertEqual(created['subscription_id'], body['subscription_id'])
        self.assertNotEqual(created['secret'], body['secret'])
        self.assertError(self.http.patch(path, json={'rotate_secret': 'y'}),
                         400, 'Invalid API request',
                         'rotate_secret must be a boolean.')
        self.assertEqual(204, self.http.patch(path, json={
            'rotate_secret': False}).status_code)

    def test_delete_is_idempotent(self):
        sub_id = self.subscribe('del')['subscription_id']
        for _ in range(2):
            self.assertEqual(204, self.http.delete(
                self.path('del', sub_id)).status_code)
        self.assertEqual(404, self.http.get(self.path('del', sub_id))
                         .status_code)

    def test_purge_removes_subscriptions(self):
        self.subscribe('pg')
        self.assertEqual(204, self.http.post('/v2/queues/pg/purge', json={
            'resource_types': ['subscriptions']}).status_code)
        self.assertEqual([], self.http.get(self.path('pg')).json()[
            'subscriptions'])

    def test_trust_subscriber_needs_keystone(self):
        self.assertError(self.http.post(self.path('tr'), json={
            'subscriber': 'trust+http://127.0.0.1:9/x'}), 503,
            'Service temporarily unavailable',
            'Subscription could not be created. Please try again in a few '
            'seconds.')

    def test_home_document_lists_the_subscription_routes(self):
        resources = self.http.get('/v2/').json()['resources']
        self.assertEqual(['GET'], resources['rel/subscriptions_get']['hints'][
            'allow'])
        self.assertEqual(
            '/v2/queues/{queue_name}/subscriptions/{subscriptions_id}',
            resources['rel/subscription']['href-template'])
        self.assertEqual(['PATCH'], resources['rel/subscription_patch'][
            'hints']['allow'])
        self.assertEqual(['POST'], resources['rel/subscriptions_post'][
            'hints']['allow'])

    def test_methods_not_allowed(self):
        resp = self.http.put(self.path('sq'))
        self.assertEqual(405, resp.status_code)
        self.assertEqual('GET, POST, OPTIONS', resp.headers['Allow'])


class ZaqarClientSubscriptionTest(base.ServerTestCase):
    """python-zaqarclient's subscription calls against the server."""

    extra_conf = SubscriptionTest.extra_conf

    def setUp(self):
        super().setUp()
        from zaqarclient.queues.v2 import client as zclient
        self.zaqar = zclient.Client(self.server.url, version=2, conf={
            'auth_opts': {'backend': 'noauth', 'options': {
                'os_project_id': 'zc-' + uuid.uuid4().hex[:10]}}})

    def test_subscribe_list_get_update_delete(self):
        sub = self.zaqar.subscription('zcq', subscriber=HOOK, ttl=600,
                                      options={'a': 1})
        self.assertTrue(sub.id)
        listed = list(self.zaqar.subscriptions('zcq'))
        self.assertEqual([sub.id], [s.id for s in listed])
        got = self.zaqar.subscription('zcq', id=sub.id)
        self.assertEqual((HOOK, 600, {'a': 1}),
                         (got.subscriber, got.ttl, got.options))
        got.update({'options': {'b': 2}})
        again = self.zaqar.subscription('zcq', id=sub.id)
        self.assertEqual({'b': 2}, again.options)
        again.delete()
        self.assertEqual([], list(self.zaqar.subscriptions('zcq')))
