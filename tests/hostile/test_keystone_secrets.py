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

"""Keystone mode with delay_auth_decision, and secrets kept out of logs.

One zaqar-server on the run's Keystone, ``delay_auth_decision = true`` and
``debug = true``; every kind of secret the API handles goes through it
(tokens, the signed-URL key and signatures, webhook secrets and
credentials), then its logs are searched for each of them.
"""

from __future__ import annotations

import glob
import os
import shutil
import tempfile
import time
import unittest
import uuid

from tests import backends
from tests.functional import server as fserver
from tests.hostile.test_destinations import Receiver
from tests.keystone import fixture

SIGNING_KEY = 'hostile-signing-key-' + uuid.uuid4().hex
HOOK_PASSWORD = 'hook-pw-' + uuid.uuid4().hex
HOOK_HEADER = 'Bearer hook-header-' + uuid.uuid4().hex


class KeystoneDelayedDecisionTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls.keystone = fixture.Keystone.get()
        except fixture.KeystoneUnavailable as exc:
            if backends.required():
                raise
            raise unittest.SkipTest(f'Keystone unavailable: {exc}')
        cls.world = fixture.World.build(cls.keystone, {'a': ('member',)})
        cls._tmp = tempfile.mkdtemp(prefix='zaqar-hostile-ks-')
        cls.addClassCleanup(shutil.rmtree, cls._tmp, True)
        srv = fserver.Server(
            'sqlite:///' + os.path.join(cls._tmp, 'z.db'), 'sqlalchemy',
            'debug = true', test_allowances=False)
        section = cls.world.authtoken_section()
        with open(srv.config, 'a') as f:
            f.write(f'\n[DEFAULT]\nauth_strategy = keystone\n\n{section}'
                    f'delay_auth_decision = true\n\n'
                    f'[signed_url]\nsecret_key = {SIGNING_KEY}\n\n'
                    f'[notification]\ndestination_allowlist = 127.0.0.1\n'
                    f'delivery_poll_interval = 0.2\n')
        cls.server = srv.start()
        cls.addClassCleanup(shutil.rmtree, srv.dir, True)
        cls.addClassCleanup(srv.stop)
        cls.user = cls.world.users['a_member']
        cls.token = cls.keystone.token(cls.user)

    def client(self, token: str | None = None) -> fserver.Client:
        http = fserver.Client(self.server.url, project=self.user.project_id)
        if token:
            http.session.headers['X-Auth-Token'] = token
        return http

    def assert401(self, resp):
        self.assertEqual(401, resp.status_code, resp.text)
        self.assertTrue(resp.json()['title'].startswith('401'))

    def test_no_token_is_401_on_every_kind_of_route(self):
        http = self.client()
        self.assert401(http.get('/v2/queues'))
        self.assert401(http.put('/v2/queues/nope'))
        self.assert401(http.post('/v2/queues/nope/messages',
                                 json={'messages': [{'body': 1}]}))
        self.assert401(http.get('/v2/ping'))

    def test_invalid_token_is_401(self):
        self.assert401(self.client(uuid.uuid4().hex).get('/v2/queues'))

    def test_valid_token_and_valid_signed_url_are_served(self):
        http = self.client(self.token)
        self.assertEqual(201, http.put('/v2/queues/ok').status_code)
        share = http.post('/v2/queues/ok/share',
                          json={'methods': ['GET']}).json()
        signed = fserver.Client(self.server.url,
                                project=self.user.project_id)
        signed.session.headers.update({
            'URL-Signature': share['signature'],
            'URL-Expires': share['expires'],
            'URL-Methods': ','.join(share['methods']),
            'URL-Paths': ','.join(share['paths'])})
        resp = signed.get('/v2/queues/ok/messages')
        self.assertIn(resp.status_code, (200, 204), resp.text)
        forged = dict(signed.session.headers,
                      **{'URL-Signature': '0' * 64})
        signed.session.headers.update(forged)
        self.assertEqual(404, signed.get('/v2/queues/ok/messages')
                         .status_code)

    def test_secrets_never_reach_the_logs(self):
        receiver = Receiver()
        self.addCleanup(receiver.close)
        http = self.client(self.token)
        port = receiver.server.server_address[1]
        hook = f'http://zaqar:{HOOK_PASSWORD}@127.0.0.1:{port}/hook'
        created = http.post('/v2/queues/s/subscriptions', json={
            'subscriber': hook, 'ttl': 3600,
            'options': {'post_headers': {'Authorization': HOOK_HEADER}}})
        self.assertEqual(201, created.status_code, created.text)
        secret = created.json()['secret']
        sub = created.json()['subscription_id']
        rotated = http.patch(f'/v2/queues/s/subscriptions/{sub}',
                             json={'rotate_secret': True}).json()['secret']
        http.post('/v2/queues/s/messages', json={'messages': [{'body': 1}]})
        share = http.post('/v2/queues/s/share', json={}).json()
        deadline = time.monotonic() + 20
        while not receiver.hits and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertEqual(['/hook'], receiver.hits)
        self.client(uuid.uuid4().hex).get('/v2/queues')
        logs = ''
        for path in glob.glob(os.path.join(self.server.dir, '*.log')):
            with open(path, errors='replace') as f:
                logs += f.read()
        self.assertIn(' DEBUG ', logs, 'debug logging was on')
        self.assertIn('Authorization failed for token', logs)
        for name, value in (('token', self.token),
                            ('signing key', SIGNING_KEY),
                            ('signature', share['signature']),
                            ('webhook secret', secret),
                            ('rotated webhook secret', rotated),
                            ('webhook URL password', HOOK_PASSWORD),
                            ('webhook header', HOOK_HEADER)):
            with self.subTest(secret=name):
                self.assertNotIn(value, logs)
