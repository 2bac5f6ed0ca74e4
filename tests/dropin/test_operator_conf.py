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

"""A reference operator's zaqar.conf and policy.yaml start this service.

tests/dropin/operator/*.conf are written the way a reference 23.x
deployment writes them (Keystone auth, ``[drivers:transport:wsgi]``
bind/port, store URIs, limits, notification options). Only the
placeholders are filled in (free ports, this run's Redis/MongoDB/Keystone);
``zaqar-server --config-file`` is then started on the file and nothing
else: the port it listens on comes from the file. The policy file is the
reference's own ``oslopolicy-sample-generator --namespace zaqar`` output
(tests/dropin/operator/reference-policy.yaml) with its rules uncommented,
as an operator pinning the defaults does.
"""

from __future__ import annotations

import os
import shutil
import signal
import string
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

import requests

from tests import backends
from tests.functional import server as fserver
from tests.keystone import fixture as ks_fixture

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'operator')
REFERENCE_POLICY = os.path.join(HERE, 'reference-policy.yaml')


def uncommented_policy(target: str) -> None:
    """The reference sample with every rule line active."""
    with open(REFERENCE_POLICY) as src, open(target, 'w') as out:
        for line in src:
            if line.startswith('#"'):
                line = line[1:]
            out.write(line)


# The variants' users, projects and tokens, made once per process: the
# variants differ in stores only, and each Keystone call is slow on a
# loaded machine (each token issue is a password check).
_WORLD: dict = {}


def _shared_world(keystone) -> tuple:
    if _WORLD.get('url') != keystone.url:
        _WORLD.update(url=keystone.url, tokens={},
                      world=ks_fixture.World.build(
                          keystone, {'a': ('member', 'reader'),
                                     'b': ('member',)}))
    return _WORLD['world'], _WORLD['tokens']


class _OperatorConf:
    """Subclasses give the variant's file and its store placeholders."""

    variant = ''

    @classmethod
    def stores(cls) -> dict:
        raise NotImplementedError

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = tempfile.mkdtemp(prefix='zaqar-operator-')
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)
        try:
            keystone = ks_fixture.Keystone.get()
        except ks_fixture.KeystoneUnavailable as exc:
            if backends.required():
                raise
            raise unittest.SkipTest(f'Keystone unavailable: {exc}')
        stores = cls.stores()
        if isinstance(stores, str):
            if backends.required():
                raise AssertionError(stores)
            raise unittest.SkipTest(stores)
        cls.world, cls.tokens = _shared_world(keystone)
        cls.keystone = keystone
        policy = os.path.join(cls.tmp, 'policy.yaml')
        uncommented_policy(policy)
        cls.port = fserver.free_port()
        cls.url = f'http://127.0.0.1:{cls.port}'
        cls.log_file = os.path.join(cls.tmp, 'zaqar.log')
        with open(os.path.join(HERE, f'{cls.variant}.conf')) as f:
            template = string.Template(f.read())
        cls.config = os.path.join(cls.tmp, 'zaqar.conf')
        service = cls.world.service
        with open(cls.config, 'w') as f:
            f.write(template.substitute(
                stores, port=cls.port, log_file=cls.log_file,
                auth_url=keystone.auth_url, service_user=service.name,
                service_password=service.password,
                service_project=f'service-{cls.world.tag}',
                policy_file=policy, secret_key=uuid.uuid4().hex))
        cls.process = cls.start_server()

    @classmethod
    def start_server(cls) -> subprocess.Popen:
        out = open(os.path.join(cls.tmp, 'out.log'), 'w')  # noqa: SIM115
        proc = subprocess.Popen(
            [sys.executable, '-m', 'zaqar.cmd.server', '--config-file',
             cls.config], stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, cwd=cls.tmp)
        out.close()
        cls.addClassCleanup(cls._stop, proc)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            try:
                requests.get(cls.url + '/', timeout=5)
                return proc
            except requests.RequestException:
                time.sleep(0.2)
        with open(os.path.join(cls.tmp, 'out.log')) as f:
            raise AssertionError('zaqar-server did not start on the '
                                 f'operator config: {f.read()[-3000:]}')

    @staticmethod
    def _stop(proc: subprocess.Popen) -> None:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def call(self, method: str, path: str, user: str | None = None,
             **kwargs) -> requests.Response:
        headers = {'Client-ID': str(uuid.uuid4())}
        if user is not None:
            if user not in self.tokens:
                self.tokens[user] = self.keystone.token(
                    self.world.users[user])
            headers['X-Auth-Token'] = self.tokens[user]
        return requests.request(method, self.url + path, headers=headers,
                                timeout=30, **kwargs)

    def test_listens_where_the_file_says_and_requires_keystone(self):
        self.assertEqual(401, self.call('GET', '/v2/queues').status_code)
        self.assertEqual(204, self.call('GET', '/v2/ping',
                                        'a_member').status_code)

    def test_members_post_and_read_back_on_the_configured_store(self):
        queue = f'orders-{uuid.uuid4().hex[:8]}'
        posted = self.call('POST', f'/v2/queues/{queue}/messages',
                           'a_member', json={'messages': [
                               {'body': {'n': 1}, 'ttl': 300}]})
        self.assertEqual(201, posted.status_code, posted.text)
        listed = self.call('GET', f'/v2/queues/{queue}/messages?echo=true',
                           'a_member')
        self.assertEqual([{'n': 1}],
                         [m['body'] for m in listed.json()['messages']])
        # Another project does not see it.
        other = self.call('GET', f'/v2/queues/{queue}/messages?echo=true',
                          'b_member')
        self.assertIn(other.status_code, (200, 204))
        self.assertFalse(other.content and other.json()['messages'])

    def test_reference_policy_file_loads_and_grants_its_defaults(self):
        queue = f'audit-{uuid.uuid4().hex[:8]}'
        self.assertEqual(201, self.call(
            'POST', f'/v2/queues/{queue}/messages', 'a_member',
            json={'messages': [{'body': 'x'}]}).status_code)
        self.assertEqual(200, self.call(
            'GET', f'/v2/queues/{queue}/messages?echo=true',
            'a_reader').status_code)


class RedisOperatorConfTest(_OperatorConf, unittest.TestCase):
    variant = 'redis'

    @classmethod
    def stores(cls):
        base = backends.url('redis')
        if not backends.reachable(base):
            return f'{base} not reachable'
        return {'redis_uri': f'{base}?dbid={1 + (os.getpid() + 7) % 15}'}


class MongoOperatorConfTest(_OperatorConf, unittest.TestCase):
    variant = 'mongodb'

    @classmethod
    def stores(cls):
        uri = backends.url('mongodb')
        if not uri:
            return 'ZAQAR_TEST_MONGODB_URL is not set'
        cls.database = backends.unique_name('op')
        cls.addClassCleanup(cls._drop, uri, cls.database)
        return {'mongo_uri': uri, 'database': cls.database}

    @staticmethod
    def _drop(uri: str, database: str) -> None:
        import pymongo
        client = pymongo.MongoClient(uri)
        for name in client.list_database_names():
            if name.startswith(database):
                client.drop_database(name)
        client.close()
