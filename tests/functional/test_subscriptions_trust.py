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

"""trust+http subscribers behind a real Keystone (tests/keystone fixture)."""

from __future__ import annotations

import os
import shutil
import tempfile
import unittest
import uuid

import requests

from tests import backends
from tests.functional import server as fserver
from tests.functional.test_notifications import Receiver
from tests.keystone import fixture


class TrustSubscriptionTest(unittest.TestCase):
    """Subscribing makes a trust; deliveries carry a trust-scoped token."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls.keystone = fixture.Keystone.get()
        except fixture.KeystoneUnavailable as exc:
            if backends.required():
                raise
            raise unittest.SkipTest(f'Keystone unavailable: {exc}')
        cls.world = fixture.World.build(cls.keystone,
                                        {'a': ('member',)})
        cls._tmp = tempfile.mkdtemp(prefix='zaqar-trust-')
        cls.addClassCleanup(shutil.rmtree, cls._tmp, True)
        srv = fserver.Server('sqlite:///' + os.path.join(cls._tmp, 'z.db'),
                             'sqlalchemy')
        service = cls.world.service
        with open(srv.config, 'a') as f:
            f.write(f'\n[DEFAULT]\nauth_strategy = keystone\n\n'
                    f'{cls.world.authtoken_section()}\n'
                    f'[trustee]\nauth_type = password\n'
                    f'auth_url = {cls.keystone.auth_url}\n'
                    f'user_id = {service.id}\n'
                    f'password = {service.password}\n\n'
                    f'[notification]\ndelivery_poll_interval = 0.2\n')
        cls.server = srv.start()
        cls.addClassCleanup(shutil.rmtree, srv.dir, True)
        cls.addClassCleanup(srv.stop)

    def setUp(self):
        super().setUp()
        self.user = self.world.users['a_member']
        self.http = fserver.Client(self.server.url,
                                   project=self.user.project_id)
        self.http.session.headers['X-Auth-Token'] = self.keystone.token(
            self.user)
        self.receiver = Receiver()
        self.addCleanup(self.receiver.close)

    def inspect(self, token: str) -> dict:
        """Keystone's view of ``token`` (validated by the admin)."""
        admin_token = self.keystone.admin.get_token()
        resp = requests.get(self.keystone.auth_url + '/auth/tokens',
                            headers={'X-Auth-Token': admin_token,
                                     'X-Subject-Token': token}, timeout=30)
        self.assertEqual(200, resp.status_code, resp.text)
        return resp.json()['token']

    def test_delivery_carries_a_token_scoped_to_the_trust(self):
        queue = f'trust-{uuid.uuid4().hex[:8]}'
        resp = self.http.post(f'/v2/queues/{queue}/subscriptions', json={
            'subscriber': 'trust+' + self.receiver.url + '/hook'})
        self.assertEqual(201, resp.status_code, resp.text)
        resp = self.http.post(f'/v2/queues/{queue}/messages',
                              json={'messages': [{'body': 'with trust'}]})
        self.assertEqual(201, resp.status_code, resp.text)
        requests_ = self.receiver.wait(lambda rs: len(rs) >= 1)
        self.assertTrue(requests_, self.server.log_tail())
        (request,) = requests_
        self.assertEqual('/hook', request['path'])
        self.assertEqual('with trust', request['doc']['body'])
        token = self.inspect(request['headers']['X-Auth-Token'])
        trust = token['OS-TRUST:trust']
        self.assertTrue(trust['impersonation'])
        self.assertEqual(self.user.id, trust['trustor_user']['id'])
        self.assertEqual(self.world.service.id, trust['trustee_user']['id'])
        self.assertEqual(self.user.project_id, token['project']['id'])
        # Impersonation: the token acts as the subscribing user.
        self.assertEqual(self.user.id, token['user']['id'])

    def test_without_a_token_there_is_no_trust(self):
        anonymous = fserver.Client(self.server.url,
                                   project=self.user.project_id)
        resp = anonymous.post('/v2/queues/t/subscriptions', json={
            'subscriber': 'trust+http://127.0.0.1:9/x'})
        self.assertEqual(401, resp.status_code)
