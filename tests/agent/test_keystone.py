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

"""The control plane on Keystone, the guest on signed URLs only."""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

import oslo_messaging

from tests.agent import base
from tests.keystone import base as ksbase


class TestKeystoneControlPlane(base.ProcessHelpers, ksbase.KeystoneServerCase):
    personas = {'ops': ('member',)}

    def setUp(self):
        super().setUp()
        self.user = self.world.users['ops_member']
        self.project_name = f'ops-{self.world.tag}'

    def agent_credentials(self):
        return [], {'OS_AUTH_URL': self.keystone.auth_url,
                    'OS_USERNAME': self.user.name,
                    'OS_PASSWORD': self.user.password,
                    'OS_PROJECT_NAME': self.project_name,
                    'OS_USER_DOMAIN_NAME': 'Default',
                    'OS_PROJECT_DOMAIN_NAME': 'Default'}

    def keystone_transport_url(self) -> str:
        query = urlencode({'auth_url': self.keystone.auth_url,
                           'project_name': self.project_name})
        return (f'zaqar://{quote(self.user.name)}:'
                f'{quote(self.user.password, safe="")}@127.0.0.1:'
                f'{self.port}/?{query}')

    def test_keystone_caller_and_signed_url_guest(self):
        answer = self.provision('g1')
        self.assertEqual(self.user.project_id,
                         answer['signed_urls']['project'])
        self.spawn('rpc-server', 'g1', url=answer['transport_url'],
                   server='g1')
        client = oslo_messaging.get_rpc_client(
            self.rpc_transport(self.keystone_transport_url()),
            oslo_messaging.Target(topic=self.topic), timeout=30)
        # The guest answers through the reply-queue URL the call carries.
        self.assertEqual({'i': 1, 'server': 'g1'},
                         client.prepare(server='g1').call({}, 'echo', i=1))
        out = self.zaqar_agent('call', '--topic', self.topic, 'echo',
                               'i=2').stdout
        self.assertEqual({'i': 2, 'server': 'g1'}, json.loads(out))
        # A wrong password is a clear error, not an endless retry.
        wrong = self.keystone_transport_url().replace(
            quote(self.user.password, safe=''), 'wrong-password')
        client = oslo_messaging.get_rpc_client(
            self.rpc_transport(wrong),
            oslo_messaging.Target(topic=self.topic), timeout=30)
        self.assertRaisesRegex(oslo_messaging.MessagingException,
                               'Keystone refused',
                               client.cast, {}, 'record', tag='x')
