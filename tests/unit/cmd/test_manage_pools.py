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

"""zaqar-manage pool load FILE / pool list, run as the console script."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import fixtures
import testtools

from tests.functional import server as fserver
from zaqar.storage.sqlalchemy import management

POOLS_YAML = """\
pools:
  one: {{uri: "{one}", weight: 100}}
  two: {{uri: "{two}", weight: 50, options: {{k: v}}}}
flavors:
  durable: {{pool_list: [two]}}
"""


class ManagePoolsTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path
        self.store_uri = 'sqlite:///' + os.path.join(self.dir, 'mgmt.db')
        self.config = os.path.join(self.dir, 'zaqar.conf')
        with open(self.config, 'w') as handle:
            handle.write('[drivers]\nmanagement_store = sqlalchemy\n\n'
                         '[drivers:management_store:sqlalchemy]\n'
                         f'uri = {self.store_uri}\n')

    def uri(self, name: str) -> str:
        return 'sqlite:///' + os.path.join(self.dir, f'{name}.db')

    def write(self, text: str) -> str:
        path = os.path.join(self.dir, 'pools.yaml')
        with open(path, 'w') as handle:
            handle.write(text)
        return path

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, '-m', 'zaqar.cmd.manage', '--config-file',
             self.config, 'pool', *args], capture_output=True, text=True,
            timeout=120, check=False)

    def store(self) -> management.ControlDriver:
        store = management.ControlDriver(self.store_uri)
        self.addCleanup(store.close)
        return store

    def test_load_registers_pools_and_flavors_then_replaces_them(self):
        path = self.write(POOLS_YAML.format(one=self.uri('one'),
                                            two=self.uri('two')))
        result = self.manage('load', path)
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertEqual(['Pool one registered.', 'Pool two registered.',
                          'Flavor durable created.'],
                         result.stdout.splitlines())
        store = self.store()
        two = store.pools_controller.get('two')
        self.assertEqual((50, 'durable', {'k': 'v'}),
                         (two.weight, two.flavor, two.options))
        self.assertEqual(('two',),
                         store.flavors_controller.get('durable').pool_list)
        result = self.manage('load', path)
        self.assertIn('Pool one replaced.', result.stdout)
        listed = self.manage('list')
        self.assertEqual(0, listed.returncode, listed.stderr)
        self.assertEqual(['one\t100\t-\t0 queues',
                          'two\t50\tdurable\t0 queues'],
                         listed.stdout.splitlines())

    def test_json_works_too(self):
        path = self.write(json.dumps({'pools': {'j': {
            'uri': self.uri('j'), 'weight': 1}}}))
        result = self.manage('load', path)
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertEqual(1, self.store().pools_controller.get('j').weight)

    def test_an_unreachable_pool_stops_before_writing(self):
        dead = f'redis://127.0.0.1:{fserver.free_port()}'
        path = self.write(POOLS_YAML.format(one=self.uri('one'), two=dead))
        result = self.manage('load', path)
        self.assertEqual(1, result.returncode)
        self.assertIn(f'pool two: cannot connect to {dead}', result.stderr)
        self.assertEqual([], self.store().pools_controller.list())
        result = self.manage('load', '--no-check', path)
        self.assertEqual(0, result.returncode, result.stderr)

    def test_a_malformed_file_is_refused(self):
        path = self.write('pools:\n  x: {uri: "sqlite://", weight: -1}\n')
        result = self.manage('load', path)
        self.assertEqual(1, result.returncode)
        self.assertIn('pools/x/weight: -1 is less than the minimum of 0',
                      result.stderr)
        self.assertEqual(1, self.manage('load', path + '.missing')
                         .returncode)
