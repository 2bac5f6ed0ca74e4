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

"""zaqar-manage db sync / db version, run as the console script would be."""

from __future__ import annotations

import os
import subprocess
import sys

import fixtures

from tests.unit.storage import test_sqlalchemy_base as sql_base
from zaqar.storage.sqlalchemy import migration


class ManageTest(sql_base.SQLTestCase):

    def manage(self, uri: str, *args: str) -> subprocess.CompletedProcess:
        directory = self.useFixture(fixtures.TempDir()).path
        config = os.path.join(directory, 'zaqar.conf')
        with open(config, 'w') as handle:
            handle.write('[drivers:message_store:sqlalchemy]\n'
                         f'uri = {uri}\n')
        return subprocess.run(
            [sys.executable, '-m', 'zaqar.cmd.manage', '--config-file',
             config, *args], capture_output=True, text=True, timeout=120,
            check=False)

    def check_sync_then_version(self, kind: str) -> None:
        uri = self.database_uri(kind)
        result = self.manage(uri, 'db', 'version')
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertEqual('None', result.stdout.strip())
        result = self.manage(uri, 'db', 'sync')
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertIn(f'to {migration.head()}', result.stdout)
        result = self.manage(uri, 'db', 'sync')
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertIn('already at', result.stdout)
        result = self.manage(uri, 'db', 'version')
        self.assertEqual(migration.head(), result.stdout.strip())

    def test_sync_and_version_on_sqlite(self):
        self.check_sync_then_version('sqlite')

    def test_sync_and_version_on_postgresql(self):
        self.check_sync_then_version('postgresql')

    def test_sync_and_version_on_mysql(self):
        self.check_sync_then_version('mysql')

    def test_sync_to_an_older_revision(self):
        uri = self.database_uri('sqlite')
        result = self.manage(uri, 'db', 'sync', '0001')
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertEqual('0001', self.manage(uri, 'db', 'version')
                         .stdout.strip())

    def test_unreachable_database_fails_cleanly(self):
        result = self.manage('postgresql://nobody@127.0.0.1:1/x',
                             'db', 'version')
        self.assertEqual(1, result.returncode)
        self.assertIn('database error', result.stderr)
        self.assertNotIn('Traceback', result.stderr)

    def test_a_command_is_required(self):
        result = self.manage(self.database_uri('sqlite'), 'db')
        self.assertNotEqual(0, result.returncode)
