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

"""WebSocket with ``auth_strategy = keystone``: authenticate against a real Keystone.

Uses the run's Keystone (tests/keystone): missing, it skips locally and
fails in CI, like the other Keystone tests.
"""

from __future__ import annotations

import datetime
import os
import shutil
import tempfile
import unittest

from tests import backends
from tests.functional.test_websocket import Client, WebSocketServer
from tests.keystone import fixture
from zaqar.common import signing

SIGNING_KEY = 'websocket-keystone-tests-signing-key-0123'


class KeystoneWebSocketTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls.keystone = fixture.Keystone.get()
        except fixture.KeystoneUnavailable as exc:
            if backends.required():
                raise
            raise unittest.SkipTest(f'Keystone unavailable: {exc}')
        cls.world = fixture.World.build(cls.keystone, {
            'a': ('member', 'reader'), 'b': ('member',)})
        cls._tmp = tempfile.mkdtemp(prefix='zaqar-ws-ks-')
        cls.addClassCleanup(shutil.rmtree, cls._tmp, True)
        config = os.path.join(cls._tmp, 'zaqar.conf')
        with open(config, 'w') as f:
            f.write(f'[DEFAULT]\nauth_strategy = keystone\n\n'
                    f'[drivers]\nmessage_store = sqlalchemy\n\n'
                    f'[drivers:message_store:sqlalchemy]\n'
                    f'uri = sqlite:///{cls._tmp}/z.db\n\n'
                    f'[signed_url]\nsecret_key = {SIGNING_KEY}\n\n'
                    f'{cls.world.authtoken_section()}\n')
        cls.ws_server = WebSocketServer(config, '', cls._tmp).start()
        cls.addClassCleanup(cls.ws_server.stop)

    def client(self, label: str) -> tuple[Client, str]:
        """A raw client with the project of user ``label``; its token."""
        user = self.world.users[label]
        ws = Client(self.ws_server.url, project=user.project_id)
        self.addCleanup(ws.close)
        return ws, self.keystone.token(user)

    def authenticate(self, ws: Client, token: str, project: str | None = None):
        return ws.call('authenticate', headers={
            'X-Project-ID': project or ws.project, 'X-Auth-Token': token})

    def test_every_action_waits_for_authenticate(self):
        ws, _ = self.client('a_member')
        self.assertEqual((403, {'error': 'Not authentified.'}),
                         ws.call('queue_list', {}))
        self.assertEqual(403, ws.call('ping_node')[0])

    def test_a_valid_token_authenticates_the_connection(self):
        ws, token = self.client('a_member')
        self.assertEqual((200, {'message': 'Authentified.'}),
                         self.authenticate(ws, token))
        self.assertEqual(201, ws.call('queue_create',
                                      {'queue_name': 'kq'})[0])
        self.assertEqual([{'name': 'kq'}],
                         ws.call('queue_list', {})[1]['queues'])

    def test_a_bad_token_is_refused(self):
        ws, _ = self.client('a_member')
        self.assertEqual((401, {'error': 'Authentication failed.'}),
                         self.authenticate(ws, 'not-a-token'))
        self.assertEqual(403, ws.call('queue_list', {})[0])

    def test_the_token_must_belong_to_the_project(self):
        ws, token = self.client('a_member')
        other = self.world.users['b_member'].project_id
        self.assertEqual(401, self.authenticate(ws, token, other)[0])
        self.assertEqual(200, self.authenticate(ws, token)[0])
        # Authenticated for one project, a request for another is refused.
        status, body = ws.call('queue_list', {}, headers={
            'Client-ID': ws.client_id, 'X-Project-ID': other})
        self.assertEqual((403, {'error': 'Not authenticated.'}),
                         (status, body))

    def test_roles_come_from_the_token_not_the_headers(self):
        ws, token = self.client('a_reader')
        self.authenticate(ws, token)
        headers = dict(ws.headers, **{'X-Roles': 'admin'})
        status, body = ws.call('queue_create', {'queue_name': 'nope'},
                               headers=headers)
        self.assertEqual(403, status)
        self.assertEqual('You are not authorized to complete this action.',
                         body['error'])
        self.assertEqual(200, ws.call('queue_list', {})[0])

    def signed_headers(self, project: str, methods: list[str],
                       paths: list[str]) -> dict:
        url = signing.sign(SIGNING_KEY, paths, methods, project,
                           signing.utcnow() + datetime.timedelta(hours=1))
        return {'Client-ID': 'c', 'X-Project-ID': project,
                'URL-Signature': url.signature,
                'URL-Expires': url.expires,
                'URL-Methods': ','.join(url.methods),
                'URL-Paths': ','.join(url.paths)}

    def test_signed_url_headers_allow_message_actions_only(self):
        owner, token = self.client('a_member')
        self.authenticate(owner, token)
        owner.call('message_post', {'queue_name': 'sq', 'messages': [
            {'body': 'shared'}]})
        ws = Client(self.ws_server.url, project=owner.project)
        self.addCleanup(ws.close)
        headers = self.signed_headers(owner.project, ['GET'],
                                      ['/v2/queues/sq/messages'])
        status, body = ws.call('message_list', {'queue_name': 'sq'},
                               headers=headers)
        self.assertEqual(200, status)
        self.assertEqual(['shared'], [m['body'] for m in body['messages']])
        # Signed for GET only: no post, and nothing but message actions.
        self.assertEqual((403, {'error': 'Not authentified.'}), ws.call(
            'message_post', {'queue_name': 'sq', 'messages': [{'body': 1}]},
            headers=headers))
        self.assertEqual(403, ws.call('queue_list', {}, headers=headers)[0])
        self.assertEqual(403, ws.call('message_list', {'queue_name': 'x'},
                                      headers=headers)[0])
        tampered = dict(headers, **{'URL-Methods': 'GET,POST'})
        self.assertEqual(403, ws.call('message_list', {'queue_name': 'sq'},
                                      headers=tampered)[0])
