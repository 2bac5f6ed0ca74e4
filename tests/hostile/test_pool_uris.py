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

"""Pool URIs are checked against the operator's allow-lists first."""

from __future__ import annotations

import os
import shutil
import tempfile
import unittest

from tests.functional import server as fserver


class PoolURITest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._tmp = tempfile.mkdtemp(prefix='zaqar-hostile-pools-')
        cls.pools = os.path.join(cls._tmp, 'pools')
        cls.elsewhere = os.path.join(cls._tmp, 'elsewhere')
        os.makedirs(cls.pools)
        os.makedirs(cls.elsewhere)
        os.symlink(cls.elsewhere, os.path.join(cls.pools, 'link'))
        cls.server = fserver.Server(
            f'sqlite:///{cls._tmp}/unused.db', extra_conf='admin_mode = true',
            test_allowances=False)
        with open(cls.server.config, 'a') as f:
            f.write(f'\n[DEFAULT]\npooling = true\n\n'
                    f'[drivers]\nmanagement_store = sqlalchemy\n\n'
                    f'[drivers:management_store:sqlalchemy]\n'
                    f'uri = sqlite:///{cls._tmp}/management.db\n\n'
                    f'[pooling:catalog]\n'
                    f'sqlite_pool_directory = {cls.pools}\n'
                    f'pool_host_allowlist = 127.0.0.1, ::1\n')
        try:
            cls.server.start()
        except Exception:
            shutil.rmtree(cls._tmp, ignore_errors=True)
            raise

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.server.dir, ignore_errors=True)
        shutil.rmtree(cls._tmp, ignore_errors=True)
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.admin = fserver.Client(self.server.url, roles='admin')

    def _register(self, name: str, uri: str):
        return self.admin.put(f'/v2/pools/{name}',
                              json={'uri': uri, 'weight': 10})

    def test_sqlite_file_under_the_directory_is_accepted(self):
        resp = self._register('inside', f'sqlite:///{self.pools}/in.db')
        self.assertEqual(201, resp.status_code, resp.text)

    def test_sqlite_files_elsewhere_are_refused_and_not_created(self):
        for name, path in (
                ('abs', os.path.join(self.elsewhere, 'a.db')),
                ('dotdot', os.path.join(self.pools, '..', 'elsewhere',
                                        'b.db')),
                ('symlink', os.path.join(self.pools, 'link', 'c.db')),
                ('relative', 'relative.db')):
            with self.subTest(name=name):
                resp = self._register(name, f'sqlite:///{path}')
                self.assertEqual(400, resp.status_code, resp.text)
                self.assertIn('not allowed', resp.json()['description'])
        self.assertEqual([], os.listdir(self.elsewhere))

    def test_update_is_checked_too(self):
        resp = self._register('moved', f'sqlite:///{self.pools}/m.db')
        self.assertEqual(201, resp.status_code, resp.text)
        resp = self.admin.patch('/v2/pools/moved', json={
            'uri': f'sqlite:///{self.elsewhere}/m.db'})
        self.assertEqual(400, resp.status_code, resp.text)
        self.assertEqual([], os.listdir(self.elsewhere))

    def test_hosts_outside_the_allowlist_are_refused(self):
        for uri in ('redis://127.0.0.2:1/', 'mongodb://127.0.0.1:1,'
                    'localhost.invalid:2/', 'postgresql://u@127.0.0.3:1/d'):
            with self.subTest(uri=uri):
                resp = self._register('net', uri)
                self.assertEqual(400, resp.status_code, resp.text)
                self.assertIn('pool_host_allowlist',
                              resp.json()['description'])
