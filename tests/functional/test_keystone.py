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

"""zaqar-server behind a real Keystone: tokens, roles, signed URLs, clients."""

from __future__ import annotations

import os
import shutil
import tempfile
import unittest
import uuid

import requests
from zaqarclient.queues.v2 import client as zclient
from zaqarclient.transport import errors as zerrors

from tests.functional import server as fserver
from tests.functional import test_share
from tests.keystone import base


class KeystoneAuthTest(base.KeystoneServerCase):
    """Identity comes from the validated token, and only from it."""

    # Validate every request, so revocation is seen at once.
    token_cache_time = -1

    def assertUnauthorized(self, resp):
        self.assertEqual(401, resp.status_code, resp.text)
        body = resp.json()
        self.assertEqual('401 Unauthorized', body['title'])
        self.assertIn('X-Auth-Token', body['description'])
        self.assertIn('Keystone uri=', resp.headers['WWW-Authenticate'])

    def test_no_token_is_401(self):
        http = self.http('a_member')
        del http.session.headers['X-Auth-Token']
        self.assertUnauthorized(http.get('/v2/queues'))

    def test_forged_token_is_401(self):
        http = self.http('a_member')
        http.session.headers['X-Auth-Token'] = uuid.uuid4().hex
        self.assertUnauthorized(http.get('/v2/queues'))

    def test_revoked_token_is_refused(self):
        user = self.world.users['a_member']
        token = self.keystone.token(user)
        http = self.http('a_member')
        http.session.headers['X-Auth-Token'] = token
        self.assertEqual(200, http.get('/v2/queues').status_code)
        self.keystone.revoke(token)
        self.assertUnauthorized(http.get('/v2/queues'))

    def test_identity_headers_from_the_client_are_ignored(self):
        http = self.http('a_member')
        http.session.headers.update({
            'X-Project-ID': self.world.projects['b'], 'X-Roles': 'admin',
            'X-User-ID': self.world.users['b_admin'].id})
        queue = 'spoof-' + uuid.uuid4().hex[:8]
        self.assertEqual(201, http.put(f'/v2/queues/{queue}').status_code)
        self.assertEqual(403, http.get('/v2/health').status_code)
        names = {q['name'] for q in self.http('a_reader').get(
            '/v2/queues?limit=20').json()['queues']}
        self.assertIn(queue, names)
        names = {q['name'] for q in self.http('b_admin').get(
            '/v2/queues?limit=20').json()['queues']}
        self.assertNotIn(queue, names)

    def test_health_is_for_admins(self):
        resp = self.http('a_admin').get('/v2/health')
        self.assertEqual(200, resp.status_code, resp.text)
        self.assertTrue(resp.json()['storage_reachable'])
        for label in ('a_member', 'a_reader'):
            self.assertEqual(403, self.http(label).get('/v2/health')
                             .status_code)

    def test_versions_document_needs_no_token(self):
        resp = requests.get(self.server.url + '/')
        self.assertEqual(300, resp.status_code, resp.text)
        self.assertEqual('2', resp.json()['versions'][0]['id'])
        self.assertUnauthorized(requests.get(self.server.url + '/v2/'))

    def test_ping_needs_a_token_but_no_role(self):
        self.assertEqual(204, self.http('a_reader').get('/v2/ping')
                         .status_code)
        self.assertEqual(401, requests.get(self.server.url + '/v2/ping')
                         .status_code)

    def test_signed_url_needs_no_token(self):
        owner = self.http('a_member')
        queue = 'signed-' + uuid.uuid4().hex[:8]
        owner.post(f'/v2/queues/{queue}/messages',
                   json={'messages': [{'body': 'hello'}]})
        doc = owner.post(f'/v2/queues/{queue}/share', json={}).json()
        self.assertEqual(self.world.projects['a'], doc['project'])
        headers = test_share.signed_headers(doc)
        url = f'{self.server.url}/v2/queues/{queue}/messages?echo=true'
        resp = requests.get(url, headers=headers)
        self.assertEqual(200, resp.status_code, resp.text)
        self.assertEqual(['hello'], [m['body'] for m in
                                     resp.json()['messages']])
        # A bad token next to a good signature does not matter...
        resp = requests.get(url, headers=dict(headers, **{
            'X-Auth-Token': 'garbage'}))
        self.assertEqual(200, resp.status_code)
        # ...and a bad signature is not rescued by a good token.
        headers['URL-Signature'] = '0' * 64
        headers['X-Auth-Token'] = self.token('a_member')
        resp = requests.get(url, headers=headers)
        self.assertEqual(404, resp.status_code)


class KeystoneZaqarClientTest(base.KeystoneServerCase):
    """python-zaqarclient with Keystone sessions."""

    def client(self, label: str) -> zclient.Client:
        session = self.keystone.session(self.world.users[label])
        return zclient.Client(self.server.url, version=2, session=session,
                              conf={'auth_opts': {'backend': 'keystone',
                                                  'options': {}}})

    def test_member_uses_a_queue_end_to_end(self):
        zaqar = self.client('a_member')
        queue = zaqar.queue('work-' + uuid.uuid4().hex[:8])
        queue.post([{'body': {'n': i}, 'ttl': 300} for i in range(3)])
        claim = queue.claim(ttl=60, grace=60, limit=2)
        claimed = list(claim)
        self.assertEqual([{'n': 0}, {'n': 1}], [m.body for m in claimed])
        for message in claimed:
            message.delete()
        self.assertEqual(1, queue.stats['messages']['total'])
        signed = queue.signed_url(paths=['messages'], methods=['GET'])
        self.assertEqual(self.world.projects['a'], signed['project'])
        queue.delete()

    def test_reader_reads_but_cannot_write(self):
        name = 'ro-' + uuid.uuid4().hex[:8]
        self.client('a_member').queue(name).post({'body': 'x'})
        reader = self.client('a_reader')
        queue = reader.queue(name, auto_create=False)
        self.assertEqual(1, queue.stats['messages']['total'])
        self.assertIn(name, [q.name for q in reader.queues()[0]])
        self.assertEqual(['x'], [m.body for m in queue.messages(echo=True)])
        with self.assertRaises(zerrors.ForbiddenError):
            queue.post({'body': 'y'})
        with self.assertRaises(zerrors.ForbiddenError):
            queue.claim(ttl=60, grace=60)
        with self.assertRaises(zerrors.ForbiddenError):
            queue.delete()
        self.assertEqual(1, queue.stats['messages']['total'])

    def test_other_project_sees_nothing(self):
        name = 'mine-' + uuid.uuid4().hex[:8]
        self.client('a_member').queue(name).post({'body': 'private'})
        other = self.client('b_admin')
        self.assertNotIn(name, [q.name for q in other.queues()[0]])
        queue = other.queue(name, auto_create=False)
        self.assertEqual(0, queue.stats['messages']['total'])
        self.assertEqual([], list(queue.messages(echo=True)))


class KeystoneUnreachableTest(unittest.TestCase):
    """No Keystone at the configured address: 503, in the API's format."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        tmp = tempfile.mkdtemp(prefix='zaqar-noks-')
        cls.addClassCleanup(shutil.rmtree, tmp, True)
        srv = fserver.Server('sqlite:///' + os.path.join(tmp, 'z.db'))
        dead = f'http://127.0.0.1:{fserver.free_port()}/v3'
        with open(srv.config, 'a') as f:
            f.write(f'\n[DEFAULT]\nauth_strategy = keystone\n\n'
                    f'[keystone_authtoken]\nwww_authenticate_uri = {dead}\n'
                    f'auth_url = {dead}\nauth_type = password\n'
                    f'username = zaqar\npassword = x\nproject_name = service\n'
                    f'user_domain_id = default\nproject_domain_id = default\n'
                    f'http_request_max_retries = 0\n')
        cls.server = srv.start()
        cls.addClassCleanup(shutil.rmtree, srv.dir, True)
        cls.addClassCleanup(srv.stop)

    def test_token_cannot_be_checked(self):
        http = fserver.Client(self.server.url)
        http.session.headers['X-Auth-Token'] = uuid.uuid4().hex
        resp = http.get('/v2/queues')
        self.assertEqual(503, resp.status_code, resp.text)
        body = resp.json()
        self.assertTrue(body['title'].startswith('503'))
        self.assertIn('identity service cannot be reached',
                      body['description'])
