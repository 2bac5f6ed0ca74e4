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

"""/healthcheck follows the store's health; admins get the detail."""

from __future__ import annotations

import shutil
import tempfile
import time
import unittest

import requests

from tests import backends, pooled_backend
from tests.functional import server as fserver


class StoreHealthTest(unittest.TestCase):
    """A Redis store of our own, stopped mid-test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not pooled_backend.have_redis_server():
            backends.unavailable(cls, 'redis', 'redis-server not installed')
        cls._tmp = tempfile.mkdtemp(prefix='zaqar-hostile-health-')
        cls.redis = pooled_backend.PrivateRedis(cls._tmp).start()
        cls.server = fserver.Server(cls.redis.url, 'redis',
                                    'admin_mode = true', workers=1,
                                    test_allowances=False)
        try:
            cls.server.start()
        except Exception:
            cls.redis.stop()
            shutil.rmtree(cls._tmp, ignore_errors=True)
            raise

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.redis.stop()
        shutil.rmtree(cls.server.dir, ignore_errors=True)
        shutil.rmtree(cls._tmp, ignore_errors=True)
        super().tearDownClass()

    @classmethod
    def skipTest(cls, reason):
        raise unittest.SkipTest(reason)

    @classmethod
    def fail(cls, message):
        raise AssertionError(message)

    def _probe(self, **headers):
        return requests.get(self.server.url + '/healthcheck',
                            headers=headers, timeout=10)

    def test_probe_follows_the_store(self):
        self.assertEqual(200, self._probe().status_code)
        brief = self._probe(Accept='application/json').json()
        self.assertFalse(brief['detailed'])
        detailed = self._probe(**{'X-Roles': 'admin',
                                  'Accept': 'application/json'})
        self.assertEqual(200, detailed.status_code)
        self.assertTrue(detailed.json()['detailed'])
        self.assertFalse(self._probe(**{
            'X-Roles': 'member', 'Accept': 'application/json'}).json()[
                'detailed'])
        self.redis.stop()
        start = time.monotonic()
        down = self._probe()
        self.assertEqual(503, down.status_code, down.text)
        self.assertLess(time.monotonic() - start, 5)
        self.assertIn('storage unreachable', down.text)
