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

"""Functional test base: one live server per test class."""

from __future__ import annotations

import os
import shutil
import tempfile
import unittest

from tests import backends
from tests.functional import server as fserver


class _ClassLevel:
    """Lets tests.backends skip or fail a whole class from setUpClass."""

    def skipTest(self, reason):
        raise unittest.SkipTest(reason)

    def fail(self, message):
        raise AssertionError(message)


class ServerTestCase(unittest.TestCase):
    """Starts zaqar-server on a private store of ``backend``.

    ``backend`` names an entry of tests.backends.ALL (sqlite by default);
    ``ZAQAR_TEST_FUNCTIONAL_STORE``/``_URI`` override it for a whole run.
    """

    extra_conf = ''
    backend = 'sqlite'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._tmp = tempfile.mkdtemp(prefix='zaqar-func-db-')
        cls._backend = None
        uri = os.environ.get('ZAQAR_TEST_FUNCTIONAL_STORE_URI')
        store = os.environ.get('ZAQAR_TEST_FUNCTIONAL_STORE')
        if not uri:
            cls._backend = backends.ALL[cls.backend](_ClassLevel())
            uri, _ = cls._backend.setup()
            store = cls._backend.driver
        cls.server = fserver.Server(uri, store, cls.extra_conf)
        try:
            cls.server.start()
        except Exception:
            cls._cleanup_store()
            raise

    @classmethod
    def _cleanup_store(cls):
        backend = getattr(cls, '_backend', None)
        if backend is not None:
            backend.cleanup()
        if getattr(cls, '_tmp', None):
            shutil.rmtree(cls._tmp, ignore_errors=True)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls._cleanup_store()
        super().tearDownClass()

    def client(self, **kwargs) -> fserver.Client:
        return fserver.Client(self.server.url, **kwargs)

    def setUp(self):
        super().setUp()
        self.http = self.client()

    def assertError(self, resp, status: int, title: str | None = None,
                    description: str | None = None):
        """The response is a JSON error with this status/title/text."""
        self.assertEqual(status, resp.status_code, resp.text)
        body = resp.json()
        self.assertIn('title', body)
        if title is not None:
            self.assertEqual(title, body['title'])
        if description is not None:
            self.assertEqual(description, body.get('description'))
        return body
