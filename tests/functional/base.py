"""Functional test base: one live server per test class."""

from __future__ import annotations

import os
import shutil
import tempfile
import unittest

from tests.functional import server as fserver


class ServerTestCase(unittest.TestCase):
    """Starts zaqar-server on SQLite (or ``ZAQAR_TEST_FUNCTIONAL_STORE``)."""

    extra_conf = ''
    message_store = 'sqlalchemy'

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._tmp = tempfile.mkdtemp(prefix='zaqar-func-db-')
        uri = os.environ.get('ZAQAR_TEST_FUNCTIONAL_STORE_URI') or (
            'sqlite:///' + os.path.join(cls._tmp, 'zaqar.db'))
        store = os.environ.get('ZAQAR_TEST_FUNCTIONAL_STORE',
                               cls.message_store)
        cls.server = fserver.Server(uri, store, cls.extra_conf).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls._tmp, ignore_errors=True)
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
