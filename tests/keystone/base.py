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

"""Test base: the run's Keystone, a World of users, a zaqar-server using it."""

from __future__ import annotations

import os
import shutil
import tempfile
import unittest

from tests import backends
from tests.functional import server as fserver
from tests.keystone import fixture

SIGNING_KEY = 'keystone-tests-signing-key-0123456789'


class KeystoneServerCase(unittest.TestCase):
    """One zaqar-server with ``auth_strategy = keystone`` per test class.

    ``personas`` maps a project label to the roles given a user there; user
    labels are ``<project>_<role>`` (``a_member``). Keystone missing skips
    the class locally and fails it in CI (ZAQAR_TEST_REQUIRE_BACKENDS=1).
    """

    personas: dict[str, tuple[str, ...]] = {
        'a': ('admin', 'member', 'reader'),
        'b': ('admin', 'member', 'reader'),
    }
    # [keystone_authtoken] token_cache_time: -1 validates every request.
    token_cache_time = 300

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls.keystone = fixture.Keystone.get()
        except fixture.KeystoneUnavailable as exc:
            if backends.required():
                raise
            raise unittest.SkipTest(f'Keystone unavailable: {exc}')
        cls.world = fixture.World.build(cls.keystone, cls.personas)
        cls._tmp = tempfile.mkdtemp(prefix='zaqar-ks-')
        srv = fserver.Server('sqlite:///' + os.path.join(cls._tmp, 'z.db'),
                             'sqlalchemy', 'admin_mode = true')
        section = cls.world.authtoken_section(cls.token_cache_time)
        with open(srv.config, 'a') as f:
            f.write(f'\n[DEFAULT]\nauth_strategy = keystone\n\n{section}\n'
                    f'[signed_url]\nsecret_key = {SIGNING_KEY}\n')
        cls.server = srv.start()
        cls.addClassCleanup(shutil.rmtree, cls._tmp, True)
        cls.addClassCleanup(shutil.rmtree, srv.dir, True)
        cls.addClassCleanup(srv.stop)
        cls.tokens = {}

    @classmethod
    def token(cls, label: str) -> str:
        """A (cached) token of the user ``label``."""
        if label not in cls.tokens:
            cls.tokens[label] = cls.keystone.token(cls.world.users[label])
        return cls.tokens[label]

    def http(self, label: str) -> fserver.Client:
        """Raw HTTP as the user ``label`` (its token, its project)."""
        user = self.world.users[label]
        client = fserver.Client(self.server.url, project=user.project_id)
        client.session.headers['X-Auth-Token'] = self.token(label)
        return client
