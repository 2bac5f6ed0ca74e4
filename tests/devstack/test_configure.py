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

"""The plugin's settings and configure step, without Keystone or processes.

Each test runs single lib/zaqar functions (or a whole stack with every
Zaqar service disabled) in a harness tree and reads what they wrote.
"""

from __future__ import annotations

import os
import unittest

from tests.devstack import harness
from zaqar.cmd import manage_pools


class ConfigureTest(unittest.TestCase):

    def harness(self, localrc: str = '', services: str = 'key'
                ) -> harness.Harness:
        h = harness.Harness(localrc=localrc, enabled_services=services)
        self.addCleanup(h.remove)
        return h

    def configure(self, localrc: str = '', services: str = 'key') -> dict:
        h = self.harness(localrc, services)
        h.run('call', 'configure_zaqar')
        return harness.read_ini(os.path.join(h.conf_dir, 'zaqar.conf'))

    def test_local_conf_values_win_over_the_defaults(self):
        conf = self.configure(
            'ZAQAR_BACKEND=mongodb\n'
            'ZAQAR_MANAGEMENT_BACKEND=mongodb\n'
            'ZAQAR_MONGODB_URI=mongodb://10.1.2.3:27017\n'
            'ZAQAR_DEPLOY=zaqar-server\n'
            'ZAQAR_SERVICE_PORT=18888\n'
            'ZAQAR_WEBSOCKET_PORT=19000\n'
            'ZAQAR_WORKERS=3\n'
            'ZAQAR_ADMIN_MODE=false\n'
            'ZAQAR_NOTIFICATIONS=False\n'
            'ZAQAR_ENFORCE_SCOPE=no\n'
            'ZAQAR_SIGNED_URL_KEY=fixed-key\n'
            'ZAQAR_SERVICE_USER=messaging\n')
        self.assertEqual({'message_store': 'mongodb',
                          'management_store': 'mongodb',
                          'transport': 'wsgi'}, conf['drivers'])
        self.assertEqual({'uri': 'mongodb://10.1.2.3:27017',
                          'database': 'zaqar'},
                         conf['drivers:message_store:mongodb'])
        self.assertEqual({'uri': 'mongodb://10.1.2.3:27017',
                          'database': 'zaqar_mgmt'},
                         conf['drivers:management_store:mongodb'])
        self.assertEqual({'bind': '127.0.0.1', 'port': '18888',
                          'workers': '3'}, conf['drivers:transport:wsgi'])
        self.assertEqual('19000', conf['drivers:transport:websocket']['port'])
        self.assertEqual('False', conf['DEFAULT']['admin_mode'])
        self.assertEqual('noop', conf['oslo_messaging_notifications']['driver'])
        self.assertEqual('False', conf['oslo_policy']['enforce_scope'])
        self.assertEqual('fixed-key', conf['signed_url']['secret_key'])
        self.assertEqual('messaging', conf['keystone_authtoken']['username'])
        self.assertEqual('messaging', conf['trustee']['username'])

    def test_notifications_need_the_rabbit_service(self):
        conf = self.configure('ZAQAR_DEPLOY=zaqar-server\n', 'key')
        self.assertEqual({'driver': 'noop'},
                         conf['oslo_messaging_notifications'])
        conf = self.configure('ZAQAR_DEPLOY=zaqar-server\n', 'key,rabbit')
        self.assertEqual('messagingv2',
                         conf['oslo_messaging_notifications']['driver'])

    def test_an_explicit_database_uri_is_used_as_given(self):
        conf = self.configure('ZAQAR_BACKEND=sqlalchemy\n'
                              'ZAQAR_DATABASE_URI=postgresql://z@db/zaqar\n')
        self.assertEqual('postgresql://z@db/zaqar',
                         conf['drivers:message_store:sqlalchemy']['uri'])
        self.assertEqual('postgresql://z@db/zaqar',
                         conf['drivers:management_store:sqlalchemy']['uri'])

    def test_a_random_signed_url_key_per_stack(self):
        keys = {self.configure()['signed_url']['secret_key']
                for _ in range(2)}
        self.assertEqual(2, len(keys))

    def test_unknown_values_stop_the_stack(self):
        for localrc, message in (
                ('ZAQAR_DEPLOY=apache\n', 'ZAQAR_DEPLOY must be'),
                ('ZAQAR_BACKEND=swift\n', "Unknown Zaqar store 'swift'"),
                ('ZAQAR_POOLING=maybe\n', 'ZAQAR_POOLING must be')):
            with self.subTest(localrc=localrc):
                h = self.harness(localrc)
                with self.assertRaises(harness.StackFailed) as caught:
                    h.run('call', 'configure_zaqar')
                self.assertIn(message, str(caught.exception))

    def test_keystone_is_required(self):
        h = self.harness(services='mysql')
        with self.assertRaises(harness.StackFailed) as caught:
            h.run('call', 'configure_zaqar')
        self.assertIn("enable the 'key' service", str(caught.exception))

    def test_the_pools_file_is_what_zaqar_manage_loads(self):
        h = self.harness('ZAQAR_POOLING=True\n'
                         'ZAQAR_POOLS="fast=redis://10.0.0.5:6379 '
                         'slow=sqlite:////var/lib/zaqar/slow.db"\n'
                         'ZAQAR_POOL_FLAVOR=gold\n')
        os.makedirs(h.conf_dir)  # configure_zaqar's job in a stack
        h.run('call', '_zaqar_write_pools_file')
        doc = manage_pools.read(os.path.join(h.conf_dir, 'pools.yaml'))
        self.assertEqual({
            'pools': {
                'fast': {'uri': 'redis://10.0.0.5:6379', 'weight': 100,
                         'flavor': 'gold'},
                'slow': {'uri': 'sqlite:////var/lib/zaqar/slow.db',
                         'weight': 100, 'flavor': 'gold'}},
            'flavors': {'gold': {'pool_list': ['fast', 'slow']}}}, doc)

    def test_one_pool_on_the_message_store_by_default(self):
        h = self.harness('ZAQAR_POOLING=True\nZAQAR_REDIS_PORT=6400\n')
        os.makedirs(h.conf_dir)  # configure_zaqar's job in a stack
        h.run('call', '_zaqar_write_pools_file')
        doc = manage_pools.read(os.path.join(h.conf_dir, 'pools.yaml'))
        self.assertEqual(
            {'pools': {'pool1': {'uri': 'redis://127.0.0.1:6400?dbid=0',
                                 'weight': 100}}}, doc)

    def test_services_disabled_in_local_conf_stay_disabled(self):
        h = self.harness('disable_service zaqar-notifier\n')
        h.run('call', 'is_zaqar_enabled')
        with open(os.path.join(h.dir, 'enabled_services')) as f:
            self.assertEqual('ENABLED_SERVICES=key,zaqar-api,zaqar-websocket\n',
                             f.read())

    def test_nothing_happens_with_every_zaqar_service_disabled(self):
        h = self.harness('disable_service zaqar-api zaqar-websocket '
                         'zaqar-notifier\n')
        h.run('stack')
        h.run('clean')
        self.assertEqual([], h.calls())
        self.assertFalse(os.path.exists(h.conf_dir))
