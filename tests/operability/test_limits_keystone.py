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

"""Limits from Keystone unified limits (oslo.limit), over a real Keystone.

The messaging service, its endpoint, registered limits and a project
override are created in the run's Keystone; a zaqar-server with
``[quotas] source = keystone`` reads them with a system-reader service user.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import unittest
import uuid

from tests import backends
from tests.functional import server as fserver
from tests.keystone import fixture


class KeystoneLimitsTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls.keystone = fixture.Keystone.get()
        except fixture.KeystoneUnavailable as exc:
            if backends.required():
                raise
            raise unittest.SkipTest(f'Keystone unavailable: {exc}')
        ks = cls.keystone
        cls.world = fixture.World.build(ks, {'a': ('member',),
                                             'b': ('member',)})
        tag = cls.world.tag
        region = f'limits-{tag}'
        ks.messaging_endpoint(region, 'http://127.0.0.1:9/')
        service_id = ks._call('GET', f'/services?name=zaqar-{region}')[
            'services'][0]['id']
        # The registered default: two queues per project; project b may
        # have three. messages_per_queue stays unregistered (config value).
        ks._call('POST', '/registered_limits', json={'registered_limits': [{
            'service_id': service_id, 'region_id': region,
            'resource_name': 'queues', 'default_limit': 2}]})
        ks._call('POST', '/limits', json={'limits': [{
            'service_id': service_id, 'region_id': region,
            'project_id': cls.world.projects['b'],
            'resource_name': 'queues', 'resource_limit': 3}]})
        # oslo.limit reads every project's limits: a system reader.
        service_user = cls.world.service
        ks._call('PUT', f'/system/users/{service_user.id}/roles/'
                        f'{ks.roles["reader"]}')
        cls._tmp = tempfile.mkdtemp(prefix='zaqar-kslimits-')
        cls.addClassCleanup(shutil.rmtree, cls._tmp, True)
        srv = fserver.Server('sqlite:///' + os.path.join(cls._tmp, 'z.db'),
                             'sqlalchemy')
        cls.addClassCleanup(shutil.rmtree, srv.dir, True)
        with open(srv.config, 'a') as f:
            f.write(f'\n[DEFAULT]\nauth_strategy = keystone\n\n'
                    f'{cls.world.authtoken_section()}\n'
                    f'[quotas]\nsource = keystone\n'
                    f'max_queues_per_project = 100\n'
                    f'max_messages_per_queue = 2\n\n'
                    f'[oslo_limit]\nauth_type = password\n'
                    f'auth_url = {ks.auth_url}\n'
                    f'user_id = {service_user.id}\n'
                    f'password = {service_user.password}\n'
                    f'system_scope = all\n'
                    f'endpoint_service_type = messaging\n'
                    f'endpoint_service_name = zaqar-{region}\n'
                    f'endpoint_region_name = {region}\n'
                    f'endpoint_interface = public\n')
        cls.server = srv.start()
        cls.addClassCleanup(srv.stop)

    def http(self, label: str) -> fserver.Client:
        user = self.world.users[label]
        client = fserver.Client(self.server.url, project=user.project_id)
        client.session.headers['X-Auth-Token'] = self.keystone.token(user)
        return client

    def create_queues(self, http, count: int) -> list[int]:
        prefix = uuid.uuid4().hex[:6]
        return [http.put(f'/v2/queues/{prefix}-{i}').status_code
                for i in range(count)]

    def test_registered_limit_caps_queues_per_project(self):
        http = self.http('a_member')
        self.assertEqual([201, 201, 429], self.create_queues(http, 3))
        resp = http.put('/v2/queues/one-more')
        self.assertEqual(429, resp.status_code)
        self.assertEqual('60', resp.headers['Retry-After'])
        self.assertEqual('The "queues" limit (2 queues per project) is '
                         'reached.', resp.json()['description'])

    def test_project_override_wins_over_the_registered_limit(self):
        http = self.http('b_member')
        self.assertEqual([201, 201, 201, 429], self.create_queues(http, 4))

    def test_config_value_applies_where_keystone_has_no_limit(self):
        http = self.http('b_member')
        msgs = {'messages': [{'body': 1}, {'body': 2}, {'body': 3}]}
        resp = http.post('/v2/queues/cap/messages', json=msgs)
        self.assertEqual(429, resp.status_code)
        self.assertIn('"messages_per_queue" limit (2 messages per queue)',
                      resp.json()['description'])
