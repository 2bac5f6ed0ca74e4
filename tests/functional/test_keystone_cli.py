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

"""The ``openstack`` CLI (python-zaqarclient's plugin) against Keystone.

The CLI runs from the Keystone fixture's virtualenv, finds zaqar-server in
the Keystone catalog (service type ``messaging``, a region of this class's
own) and authenticates as a member of project ``a``. python-zaqarclient
4.x names its commands ``openstack messaging queue create`` and so on (the
older ``openstack queue create`` spelling is gone). Six CLI calls, one
test: each call starts a Python interpreter and authenticates.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import uuid

import requests

from tests.functional import test_share
from tests.keystone import base, fixture


class OpenStackCLITest(base.KeystoneServerCase):

    personas = {'a': ('member',)}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.region = f'zaqar-{cls.world.tag}'
        cls.keystone.messaging_endpoint(cls.region, cls.server.url)

    def openstack(self, *args: str):
        """Run ``openstack <args> -f json``; returns the parsed output."""
        user = self.world.users['a_member']
        env = dict(os.environ,
                   OS_AUTH_URL=self.keystone.auth_url, OS_AUTH_TYPE='password',
                   OS_USER_ID=user.id, OS_PASSWORD=user.password,
                   OS_PROJECT_ID=user.project_id, OS_IDENTITY_API_VERSION='3',
                   OS_REGION_NAME=self.region, OS_INTERFACE='public',
                   OS_MESSAGE_CLIENT_ID=self.client_id)
        cmd = [fixture.venv_bin('openstack'), *args]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env,
                              timeout=120, check=False)
        self.assertEqual(0, proc.returncode,
                         f'{" ".join(args)}: {proc.stdout}{proc.stderr}')
        return json.loads(proc.stdout) if proc.stdout.strip() else None

    def test_queue_message_claim_and_signed_url(self):
        self.client_id = str(uuid.uuid4())
        queue = 'cli-' + uuid.uuid4().hex[:8]
        created = self.openstack('messaging', 'queue', 'create', queue,
                                 '-f', 'json')
        self.assertEqual(queue, created['Name'])
        self.openstack('messaging', 'message', 'post', queue,
                       json.dumps([{'body': {'n': 1}, 'ttl': 300},
                                   {'body': {'n': 2}, 'ttl': 300}]))
        listed = self.openstack('messaging', 'message', 'list', queue,
                                '--echo', '-f', 'json')
        self.assertEqual([{'n': 1}, {'n': 2}], [m['Body'] for m in listed])
        claimed = self.openstack('messaging', 'claim', 'create', queue,
                                 '--ttl', '60', '--grace', '60',
                                 '--limit', '1', '-f', 'json')
        self.assertEqual(1, len(claimed))
        self.assertEqual({'n': 1}, claimed[0]['Messages'])
        listed = self.openstack('messaging', 'queue', 'list', '-f', 'json')
        self.assertIn(queue, [q['Name'] for q in listed])

        signed = self.openstack('messaging', 'queue', 'signed', 'url',
                                queue, '--paths', 'messages',
                                '--methods', 'GET', '--ttl-seconds', '600',
                                '-f', 'json')
        doc = {'paths': signed['Paths'].split(','),
               'methods': signed['Methods'].split(','),
               'project': signed['Project ID'],
               'expires': signed['Expires']}
        self.assertEqual(self.world.projects['a'], doc['project'])
        text = '\\n'.join([','.join(doc['paths']), ','.join(doc['methods']),
                           doc['project'], doc['expires']])
        self.assertEqual(hmac.new(base.SIGNING_KEY.encode(), text.encode(),
                                  hashlib.sha256).hexdigest(),
                         signed['Signature'])
        doc['signature'] = signed['Signature']
        # The URL works without any token; claimed messages stay hidden.
        resp = requests.get(
            f'{self.server.url}/v2/queues/{queue}/messages?echo=true',
            headers=test_share.signed_headers(doc))
        self.assertEqual(200, resp.status_code, resp.text)
        self.assertEqual([{'n': 2}], [m['body'] for m in
                                      resp.json()['messages']])
