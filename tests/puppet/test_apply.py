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

"""``puppet apply`` of puppet/examples/standalone.pp on this machine.

Three real applies against a private install: the first installs Zaqar from
this source tree into a virtualenv, configures the Redis store and Keystone
auth (the run's Keystone fixture, where it also registers the service user
and endpoints), runs db sync and starts zaqar-server under a pid file; the
second must change nothing; the third changes one [transport] option, which
must restart the server and show through the API.
"""

from __future__ import annotations

import configparser
import contextlib
import fcntl
import json
import os
import signal
import subprocess
import time
import unittest
import uuid

import requests
import yaml

from tests import backends
from tests.functional import server as fserver
from tests.keystone import fixture as ks_fixture
from tests.puppet import sandbox

MANIFEST = os.path.join(sandbox.MODULE, 'examples', 'standalone.pp')
# [transport] default_message_ttl before and after the third apply.
FIRST_TTL, CHANGED_TTL = 3000, 1234
# Seconds the server may take to answer after an apply started it.
_START_TIMEOUT = 90
# puppet apply --detailed-exitcodes: 0 no change, 2 changes, 4/6 failures.
NO_CHANGES, CHANGES = 0, 2
# Where puppet-keystone's providers find admin credentials (a fixed path).
_CLOUDS = '/etc/openstack/puppet/clouds.yaml'
# Serialises tests of every checkout on this machine that write it.
_CLOUDS_LOCK = '/tmp/zaqar-puppet-clouds.lock'


def _admin_password() -> str:
    """The bootstrap admin's password, from the fixture's state file."""
    with open(os.path.join(ks_fixture.RUN, 'state.json')) as f:
        return json.load(f)['admin_password']


def _restore(path: str, content: str | None) -> None:
    if content is None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
    else:
        with open(path, 'w') as f:
            f.write(content)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


class PuppetApplyTest(unittest.TestCase):
    """A single-host deployment by the module, checked from outside."""

    def setUp(self):
        super().setUp()
        sandbox.require_tools(self, 'puppet', 'openstack')
        try:
            self.keystone = ks_fixture.Keystone.get()
        except ks_fixture.KeystoneUnavailable as exc:
            backends.unavailable(self, 'keystone', str(exc))
        redis_url = backends.url('redis')
        if not backends.reachable(redis_url):
            backends.unavailable(self, 'redis', f'{redis_url} not reachable')
        self.box = sandbox.Sandbox()
        self.addCleanup(self.box.cleanup)
        self.addCleanup(self._stop_server)
        self.tag = uuid.uuid4().hex[:8]
        self.port = fserver.free_port()
        self.url = f'http://127.0.0.1:{self.port}'
        self.region = f'puppet-{self.tag}'
        self.keystone._call('POST', '/regions',
                            json={'region': {'id': self.region}})
        self.addCleanup(self._forget_in_keystone)
        self.service_password = uuid.uuid4().hex
        sep = '&' if '?' in redis_url else '?'
        self.redis_uri = f'{redis_url}{sep}dbid={1 + os.getpid() % 15}'
        self.sqlite = self.box.path('lib', 'zaqar.sqlite')
        self.applies = 0
        self.signing_key = uuid.uuid4().hex
        self.admin_clouds()

    # -- what the operator writes ------------------------------------------

    def hiera(self, ttl: int) -> dict:
        ks = self.keystone
        sql_uri = f'sqlite:///{self.sqlite}'
        project = f'services-{self.tag}'
        user = f'zaqar-{self.tag}'
        env = ['PBR_VERSION=' + os.environ.get('PBR_VERSION', '0.1.0')]
        return {
            'zaqar::source': sandbox.ROOT,
            'zaqar::install_environment': env,
            'zaqar::venv_dir': self.box.path('venv'),
            'zaqar::config_dir': self.box.path('etc'),
            'zaqar::log_dir': self.box.path('log'),
            'zaqar::state_dir': self.box.path('lib'),
            'zaqar::run_dir': self.box.path('run'),
            'zaqar::manage_user': False,
            'zaqar::user': 'root',
            'zaqar::group': 'root',
            'zaqar::message_store': 'redis',
            'zaqar::management_store': 'sqlalchemy',
            'zaqar::default_message_ttl': ttl,
            'zaqar::messaging::redis::uri': self.redis_uri,
            'zaqar::management::sqlalchemy::uri': sql_uri,
            # zaqar-manage db sync migrates the message store's SQL URI.
            'zaqar::config::zaqar_config': {
                'drivers:message_store:sqlalchemy/uri': {
                    'value': sql_uri, 'secret': True}},
            'zaqar::server::bind': '127.0.0.1',
            'zaqar::server::port': self.port,
            'zaqar::server::workers': 1,
            'zaqar::logging::log_file': 'zaqar.log',
            'zaqar::keystone::authtoken::password': self.service_password,
            'zaqar::keystone::authtoken::username': user,
            'zaqar::keystone::authtoken::project_name': project,
            'zaqar::keystone::authtoken::auth_url': ks.url,
            'zaqar::keystone::authtoken::www_authenticate_uri': ks.url,
            'zaqar::keystone::auth::password': self.service_password,
            'zaqar::keystone::auth::auth_name': user,
            'zaqar::keystone::auth::tenant': project,
            'zaqar::keystone::auth::service_name': user,
            'zaqar::keystone::auth::region': self.region,
            'zaqar::keystone::auth::public_url': self.url,
            'zaqar::keystone::auth::internal_url': self.url,
            'zaqar::keystone::auth::admin_url': self.url,
            'zaqar::signed_url::secret_key': self.signing_key,
        }

    def admin_clouds(self) -> None:
        """puppet-keystone's admin credentials, where its providers look.

        Its keystone_* providers read /etc/openstack/puppet/clouds.yaml
        (clouds "project" and "system") when no OS_* variable is set; an
        OS_CLOUD in the environment would also leak into the unscoped
        token request that checks the service user's password. The file is
        the machine's, so it is held under a lock and put back afterwards.
        """
        lock = open(_CLOUDS_LOCK, 'a')
        self.addCleanup(lock.close)
        fcntl.flock(lock, fcntl.LOCK_EX)
        previous = None
        if os.path.exists(_CLOUDS):
            with open(_CLOUDS) as f:
                previous = f.read()
        self.addCleanup(_restore, _CLOUDS, previous)
        auth = {'auth_url': self.keystone.auth_url, 'username': 'admin',
                'password': _admin_password(), 'user_domain_name': 'Default'}
        os.makedirs(os.path.dirname(_CLOUDS), exist_ok=True)
        fd = os.open(_CLOUDS, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, 'w') as f:
            yaml.safe_dump({'clouds': {
                'project': {'auth': {**auth, 'project_name': 'admin',
                                     'project_domain_name': 'Default'},
                            'identity_api_version': 3},
                'system': {'auth': {**auth, 'system_scope': 'all'},
                           'identity_api_version': 3},
            }}, f)

    def apply_env(self) -> dict:
        """No OS_* variables but the Keystone URL (which saves a lookup);
        Debian's openstack CLI, whose messages Debian's puppet-keystone
        parses."""
        env = {k: v for k, v in os.environ.items()
               if not k.startswith('OS_')}
        env['PATH'] = '/usr/bin:/bin:/usr/sbin:/sbin'
        env['OS_AUTH_URL'] = self.keystone.auth_url
        return env

    def apply(self, ttl: int, expected: int) -> None:
        self.box.write_hiera(self.hiera(ttl))
        started = time.monotonic()
        proc = self.box.apply(MANIFEST, env=self.apply_env())
        elapsed = time.monotonic() - started
        print(f'puppet apply #{self.applies + 1}: {elapsed:.1f}s '
              f'(exit {proc.returncode})', flush=True)
        self.applies += 1
        self.assertEqual(expected, proc.returncode,
                         f'puppet apply exited {proc.returncode}:\n'
                         f'{proc.stdout[-6000:]}\n{proc.stderr[-6000:]}'
                         f'\n{self.server_log()}')

    # -- the running service -------------------------------------------------

    @property
    def pid_file(self) -> str:
        return self.box.path('run', 'zaqar-server.pid')

    def server_pid(self) -> int:
        with open(self.pid_file) as f:
            return int(f.read().strip())

    def server_log(self) -> str:
        parts = []
        for name in ('zaqar-server.out', 'zaqar.log'):
            path = self.box.path('log', name)
            if os.path.exists(path):
                with open(path) as f:
                    parts.append(f'--- {name}\n' + f.read()[-3000:])
        return '\n'.join(parts)

    def wait_healthy(self) -> None:
        deadline = time.monotonic() + _START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + '/healthcheck',
                                timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.fail('zaqar-server did not answer:\n' + self.server_log())

    def _stop_server(self) -> None:
        try:
            pid = self.server_pid()
        except (OSError, ValueError):
            return
        if not _pid_alive(pid):
            return
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 40
        while _pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _pid_alive(pid):
            os.kill(pid, signal.SIGKILL)

    def _forget_in_keystone(self) -> None:
        """Drop what the applies registered, so no dead endpoint stays."""
        ks = self.keystone
        name = f'zaqar-{self.tag}'
        for kind, path in (('services', f'/services?name={name}'),
                           ('users', f'/users?name={name}'),
                           ('projects', f'/projects?name=services-{self.tag}'),
                           ('users', f'/users?name=puppet-member-{self.tag}'),
                           ('projects',
                            f'/projects?name=puppet-user-{self.tag}')):
            for item in ks._get(path)[kind]:
                ks._call('DELETE', f'/{kind}/{item["id"]}')
        ks._call('DELETE', f'/regions/{self.region}')

    def member_client(self) -> fserver.Client:
        project = self.keystone.project(f'puppet-user-{self.tag}')
        user = self.keystone.user(f'puppet-member-{self.tag}', project,
                                  'member')
        client = fserver.Client(self.url, project=project)
        client.session.headers['X-Auth-Token'] = self.keystone.token(user)
        return client

    # -- the test -----------------------------------------------------------

    def test_three_applies_deploy_converge_and_restart_on_change(self):
        self.apply(FIRST_TTL, CHANGES)
        self.wait_healthy()
        pid = self.server_pid()
        self.assertTrue(_pid_alive(pid))

        conf = configparser.ConfigParser(interpolation=None)
        conf.read(self.box.path('etc', 'zaqar.conf'))
        self.assertEqual('keystone', conf['DEFAULT']['auth_strategy'])
        self.assertEqual('redis', conf['drivers']['message_store'])
        self.assertEqual(self.redis_uri,
                         conf['drivers:message_store:redis']['uri'])
        self.assertEqual(str(self.port),
                         conf['drivers:transport:wsgi']['port'])
        self.assertEqual(f'zaqar-{self.tag}',
                         conf['keystone_authtoken']['username'])
        # db sync ran: the database is at a schema revision.
        version = subprocess.run(
            [self.box.path('venv', 'bin', 'zaqar-manage'), '--config-file',
             self.box.path('etc', 'zaqar.conf'), 'db', 'version'],
            capture_output=True, text=True, timeout=120, check=False)
        self.assertEqual(0, version.returncode, version.stderr)
        self.assertNotIn(version.stdout.strip(), ('', 'None'))
        # The catalog has the service and its endpoints in our region.
        services = self.keystone._get(
            f'/services?type=messaging&name=zaqar-{self.tag}')['services']
        self.assertEqual(1, len(services))
        endpoints = self.keystone._get(
            f'/endpoints?service_id={services[0]["id"]}')['endpoints']
        self.assertEqual({('admin', self.url), ('internal', self.url),
                          ('public', self.url)},
                         {(e['interface'], e['url']) for e in endpoints})
        self.assertEqual({self.region}, {e['region_id'] for e in endpoints})

        self.apply(FIRST_TTL, NO_CHANGES)
        self.assertEqual(pid, self.server_pid())

        anonymous = requests.get(self.url + '/v2/queues', timeout=10,
                                 headers={'Client-ID': str(uuid.uuid4())})
        self.assertEqual(401, anonymous.status_code)
        client = self.member_client()
        listing = client.get('/v2/queues')
        self.assertEqual(200, listing.status_code,
                         listing.text + self.server_log())
        queue = f'/v2/queues/puppet-{self.tag}'
        created = client.put(queue, json={})
        self.assertEqual(201, created.status_code,
                         created.text + self.server_log())
        self.assertEqual(FIRST_TTL,
                         client.get(queue).json()['_default_message_ttl'])

        self.apply(CHANGED_TTL, CHANGES)
        self.wait_healthy()
        self.assertNotEqual(pid, self.server_pid())
        self.assertFalse(_pid_alive(pid))
        self.assertEqual(CHANGED_TTL,
                         client.get(queue).json()['_default_message_ttl'])
