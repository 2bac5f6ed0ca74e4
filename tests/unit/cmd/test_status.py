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

"""zaqar-status upgrade check: each check's verdicts and the command line."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import unittest

import sqlalchemy as sa
from oslo_upgradecheck import upgradecheck

from tests.unit.cmd import helpers
from zaqar.cmd import status
from zaqar.storage.sqlalchemy import driver as sql_driver
from zaqar.storage.sqlalchemy import migration

Code = upgradecheck.Code


class StatusChecksTest(unittest.TestCase):

    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix='zaqar-status-')
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)
        self.db = os.path.join(self.dir, 'zaqar.db')

    def checks(self, text: str = '') -> status.Checks:
        path = helpers.write_config(self.dir, f"""\
            [drivers]
            message_store = sqlalchemy
            [drivers:message_store:sqlalchemy]
            uri = sqlite:///{self.db}
            """ + text)
        return status.Checks(helpers.load(path))

    def make_schema(self) -> None:
        storage = sql_driver.DataDriver(f'sqlite:///{self.db}')
        storage.queue_controller.create('q', project='p')
        storage.close()

    # Storage

    def test_reachable_store_succeeds(self):
        result = self.checks()._storage_reachable()
        self.assertEqual(Code.SUCCESS, result.code, result.details)

    def test_unreachable_store_fails(self):
        port = helpers.closed_port()
        result = self.checks(f"""
            [drivers:message_store:sqlalchemy]
            uri = postgresql://zaqar@127.0.0.1:{port}/zaqar
            """)._storage_reachable()
        self.assertEqual(Code.FAILURE, result.code)
        self.assertIn('does not answer', result.details)
        self.assertNotIn('zaqar@', result.details.replace('zaqar@127', ''))

    def test_swift_store_is_refused(self):
        result = self.checks("""
            [drivers]
            message_store = swift
            """)._storage_reachable()
        self.assertEqual(Code.FAILURE, result.code)
        self.assertIn('swift', result.details)

    # SQL schema

    def test_missing_sqlite_file_warns(self):
        result = self.checks()._sql_schema()
        self.assertEqual(Code.WARNING, result.code)
        self.assertFalse(os.path.exists(self.db))

    def test_empty_database_warns(self):
        sa.create_engine(f'sqlite:///{self.db}').connect().close()
        result = self.checks()._sql_schema()
        self.assertEqual(Code.WARNING, result.code)
        self.assertIn('db sync', result.details)

    def test_schema_at_head_succeeds(self):
        self.make_schema()
        result = self.checks()._sql_schema()
        self.assertEqual(Code.SUCCESS, result.code, result.details)
        self.assertIn(migration.head(), result.details)

    def test_schema_behind_head_fails(self):
        self.make_schema()
        engine = sa.create_engine(f'sqlite:///{self.db}')
        with engine.begin() as conn:
            conn.execute(sa.text(f'UPDATE {migration.VERSION_TABLE} '
                                 "SET version_num = 'old0'"))
        engine.dispose()
        result = self.checks()._sql_schema()
        self.assertEqual(Code.FAILURE, result.code)
        self.assertIn('old0', result.details)

    def test_other_stores_skip_the_schema_check(self):
        result = self.checks("""
            [drivers]
            message_store = redis
            """)._sql_schema()
        self.assertEqual(Code.SUCCESS, result.code)

    # Signed URLs

    def test_confirmation_without_key_fails(self):
        result = self.checks("""
            [notification]
            require_confirmation = true
            """)._signed_url_key()
        self.assertEqual(Code.FAILURE, result.code)

    def test_no_key_means_signed_urls_off(self):
        result = self.checks()._signed_url_key()
        self.assertEqual(Code.SUCCESS, result.code)
        self.assertIn('off', result.details)

    def test_short_key_warns(self):
        result = self.checks("""
            [signed_url]
            secret_key = short
            """)._signed_url_key()
        self.assertEqual(Code.WARNING, result.code)

    def test_long_key_succeeds(self):
        result = self.checks(f"""
            [signed_url]
            secret_key = {'k' * 40}
            [notification]
            require_confirmation = true
            """)._signed_url_key()
        self.assertEqual(Code.SUCCESS, result.code)

    def test_enabled_without_key_fails(self):
        result = self.checks("""
            [signed_url]
            enabled = true
            """)._signed_url_key()
        self.assertEqual(Code.FAILURE, result.code)

    def test_disabled_with_confirmation_fails(self):
        result = self.checks(f"""
            [signed_url]
            enabled = false
            secret_key = {'k' * 40}
            [notification]
            require_confirmation = true
            """)._signed_url_key()
        self.assertEqual(Code.FAILURE, result.code)

    # Policy file

    def policy(self, text: str, name: str = 'policy.yaml') -> status.Checks:
        path = os.path.join(self.dir, name)
        with open(path, 'w') as f:
            f.write(text)
        return self.checks(f"""
            [oslo_policy]
            policy_file = {path}
            """)

    def test_no_policy_file_uses_defaults(self):
        result = self.checks()._policy_file()
        self.assertEqual(Code.SUCCESS, result.code)

    def test_valid_policy_file_succeeds(self):
        result = self.policy('"queues:create": "role:admin"\n')._policy_file()
        self.assertEqual(Code.SUCCESS, result.code, result.details)

    def test_unparsable_policy_file_fails(self):
        result = self.policy('"queues:create": [unclosed\n')._policy_file()
        self.assertEqual(Code.FAILURE, result.code)

    def test_undefined_rule_reference_fails(self):
        result = self.policy(
            '"queues:create": "rule:no_such_rule"\n')._policy_file()
        self.assertEqual(Code.FAILURE, result.code)

    def test_unknown_rule_name_warns(self):
        result = self.policy('"queue:create": "role:admin"\n')._policy_file()
        self.assertEqual(Code.WARNING, result.code)
        self.assertIn('queue:create', result.details)

    def test_json_policy_file_warns(self):
        result = self.policy('{"queues:create": "role:admin"}',
                             'policy.json')._policy_file()
        self.assertEqual(Code.WARNING, result.code)

    # Authentication

    def test_development_mode_warns(self):
        self.assertEqual(Code.WARNING, self.checks()._authentication().code)

    def test_keystone_succeeds(self):
        result = self.checks("""
            [DEFAULT]
            auth_strategy = keystone
            """)._authentication()
        self.assertEqual(Code.SUCCESS, result.code)


class StatusCommandTest(unittest.TestCase):

    def test_upgrade_check_reports_every_check_as_json(self):
        tmp = tempfile.mkdtemp(prefix='zaqar-status-cli-')
        self.addCleanup(shutil.rmtree, tmp, ignore_errors=True)
        path = helpers.write_config(tmp, f"""\
            [DEFAULT]
            auth_strategy = keystone
            [drivers]
            message_store = sqlalchemy
            management_store = sqlalchemy
            [drivers:message_store:sqlalchemy]
            uri = sqlite:///{tmp}/zaqar.db
            """)
        storage = sql_driver.DataDriver(f'sqlite:///{tmp}/zaqar.db')
        storage.queue_controller.create('q', project='p')
        storage.close()
        proc = helpers.run('status', '--config-file', path, 'upgrade',
                           'check', '--json')
        self.assertEqual(0, proc.returncode, proc.stdout + proc.stderr)
        report = json.loads(proc.stdout)
        self.assertEqual(
            ['Stores chosen', 'Storage reachable', 'SQL schema at head',
             'Signed-URL key', 'Policy file', 'Authentication',
             'Redis Cluster topics'],
            [c['check'] for c in report['checks']])

    def test_failure_exits_2(self):
        tmp = tempfile.mkdtemp(prefix='zaqar-status-cli-')
        self.addCleanup(shutil.rmtree, tmp, ignore_errors=True)
        path = helpers.write_config(tmp, """\
            [drivers]
            message_store = swift
            """)
        proc = helpers.run('status', '--config-file', path, 'upgrade',
                           'check')
        self.assertEqual(2, proc.returncode, proc.stdout + proc.stderr)
        self.assertIn('Failure', proc.stdout)
