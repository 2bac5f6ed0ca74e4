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

"""The role deploys this tree on localhost: Redis, the run's Keystone.

Three real ``ansible-playbook site.yml`` runs against one temporary
deployment (virtualenv, config, data, logs and pid files under a temp
dir; zaqar-server supervised with a pid file, as where no systemd runs):

1. a first run installs and starts the service and registers it in
   Keystone; a user's token then lists queues, and no token is refused;
2. the same run again changes nothing (``changed=0``) and keeps the
   process;
3. a run with one ``zaqar_conf_overrides`` entry restarts the service and
   the new limit shows through the API.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest
import uuid

import requests

from tests import backends
from tests.ansible import base, fixture
from tests.functional import server as fserver
from tests.keystone import fixture as keystone_fixture

SIGNING_KEY = 'ansible-tests-signing-key-0123456789'
# The override of the third run: a page of 50 queues becomes allowed.
PAGE = 50


class LocalhostDeployTest(unittest.TestCase):
    """site.yml on localhost, run three times."""

    def setUp(self):
        self.tools = base.tools()
        try:
            self.keystone = keystone_fixture.Keystone.get()
        except keystone_fixture.KeystoneUnavailable as exc:
            if backends.required():
                raise
            self.skipTest(f'Keystone unavailable: {exc}')
        redis_url = backends.url('redis')
        if not backends.reachable(redis_url):
            backends.unavailable(self, 'redis', f'{redis_url} not reachable')
        self.redis_url = f'{redis_url}?dbid={1 + os.getpid() % 15}'
        self.wheels = fixture.zaqar_wheelhouse()
        self.dir = tempfile.mkdtemp(prefix='zaqar-ansible-')
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.addCleanup(self._stop_service)
        self.port = fserver.free_port()
        self.url = f'http://127.0.0.1:{self.port}'
        self.world = keystone_fixture.World.build(
            self.keystone, {'op': ('admin',), 'a': ('member',)})
        self.tag = self.world.tag
        self.service_password = uuid.uuid4().hex
        with open(os.path.join(fixture.WORK, 'ansible-last-runs.log'), 'w'):
            pass

    # -- the deployment ---------------------------------------------------

    def _path(self, *parts: str) -> str:
        return os.path.join(self.dir, *parts)

    def _inventory(self, overrides: dict) -> str:
        operator = self.world.users['op_admin']
        group_vars = {
            'zaqar_install_source': fixture.ROOT,
            'zaqar_pip_environment': {
                'PBR_VERSION': os.environ.get('PBR_VERSION', '0.1.0'),
                'PIP_NO_INDEX': '1', 'PIP_FIND_LINKS': self.wheels,
                # Byte-compiling ~90 packages costs more than this test
                # saves by it.
                'PIP_NO_COMPILE': '1'},
            'zaqar_venv_path': self._path('venv'),
            'zaqar_system_user': 'root', 'zaqar_system_group': 'root',
            'zaqar_system_user_create': False,
            'zaqar_etc_dir': self._path('etc'),
            'zaqar_lib_dir': self._path('lib'),
            'zaqar_log_dir': self._path('log'),
            'zaqar_run_dir': self._path('run'),
            'zaqar_service_manager': 'pidfile',
            'zaqar_bind_host': '127.0.0.1', 'zaqar_port': self.port,
            'zaqar_workers': 1,
            'zaqar_message_store': 'redis',
            'zaqar_message_store_uri': self.redis_url,
            'zaqar_management_store': 'sqlalchemy',
            'zaqar_management_store_uri':
                f'sqlite:///{self._path("lib", "zaqar.db")}',
            'zaqar_keystone_auth_url': self.keystone.auth_url,
            'zaqar_keystone_interface': 'public',
            'zaqar_service_user_name': f'zaqar-ansible-{self.tag}',
            'zaqar_service_password': self.service_password,
            'zaqar_service_project_name': f'service-ansible-{self.tag}',
            'zaqar_service_name': f'zaqar-ansible-{self.tag}',
            'zaqar_service_public_url': self.url,
            'zaqar_keystone_admin_auth': {
                'auth_url': self.keystone.auth_url,
                'user_id': operator.id, 'password': operator.password,
                'project_id': operator.project_id},
            'zaqar_signed_url_secret_key': SIGNING_KEY,
            'zaqar_conf_overrides': overrides,
        }
        inventory = {'zaqar_all': {
            'hosts': {'localhost': {
                'ansible_connection': 'local',
                'ansible_python_interpreter': self.tools.python,
                'ansible_become': False}},
            'vars': group_vars}}
        path = self._path('inventory.yml')
        with open(path, 'w') as f:
            json.dump(inventory, f)  # JSON is YAML
        return path

    def _play(self, overrides: dict) -> tuple[dict, str]:
        proc = self.tools.run('ansible-playbook',
                              ['-i', self._inventory(overrides), 'site.yml'],
                              self._path('ansible-home'))
        output = proc.stdout + proc.stderr
        # Kept after the test for post-mortems.
        with open(os.path.join(fixture.WORK, 'ansible-last-runs.log'),
                  'a') as f:
            f.write(output)
        self.assertEqual(0, proc.returncode, output[-5000:])
        return base.recap(output), output

    def _pid(self) -> int:
        with open(self._path('run', 'zaqar-server.pid')) as f:
            return int(f.read())

    def _stop_service(self) -> None:
        supervise = self._path('venv', 'bin', 'zaqar-supervise')
        pidfile = self._path('run', 'zaqar-server.pid')
        if os.path.exists(supervise) and os.path.exists(pidfile):
            subprocess.run([supervise, 'stop', '--pidfile', pidfile,
                            '--timeout', '20'], capture_output=True,
                           timeout=60, check=False)

    # -- what a user sees -------------------------------------------------

    def _get(self, path: str, token: str | None = None):
        user = self.world.users['a_member']
        headers = {'Client-ID': str(uuid.uuid4()),
                   'X-Project-ID': user.project_id}
        if token:
            headers['X-Auth-Token'] = token
        return requests.get(self.url + path, headers=headers, timeout=30)

    def _catalog_urls(self) -> dict[str, str]:
        admin, auth_url = self.keystone.admin, self.keystone.auth_url
        services = admin.get(f'{auth_url}/services', params={
            'name': f'zaqar-ansible-{self.tag}'}).json()['services']
        self.assertEqual(1, len(services), services)
        self.assertEqual('messaging', services[0]['type'])
        endpoints = admin.get(f'{auth_url}/endpoints', params={
            'service_id': services[0]['id']}).json()['endpoints']
        return {e['interface']: e['url'] for e in endpoints}

    # -- the test -----------------------------------------------------------

    def test_deploy_rerun_unchanged_then_override_restarts(self):
        started = time.monotonic()
        first, _ = self._play({})
        timings = {'first': time.monotonic() - started}
        self.assertEqual(0, first['failed'])
        self.assertGreater(first['changed'], 0)
        self.assertEqual({'public': self.url, 'internal': self.url,
                          'admin': self.url}, self._catalog_urls())
        token = self.keystone.token(self.world.users['a_member'])
        listing = self._get('/v2/queues', token)
        self.assertEqual(200, listing.status_code, listing.text)
        self.assertEqual([], listing.json()['queues'])
        self.assertEqual(401, self._get('/v2/queues').status_code)
        self.assertEqual(400, self._get(f'/v2/queues?limit={PAGE}',
                                        token).status_code)
        pid = self._pid()

        started = time.monotonic()
        second, _ = self._play({})
        timings['second'] = time.monotonic() - started
        self.assertEqual(0, second['changed'], second)
        self.assertEqual(pid, self._pid())

        started = time.monotonic()
        third, output = self._play(
            {'transport': {'max_queues_per_page': PAGE}})
        timings['third'] = time.monotonic() - started
        self.assertGreater(third['changed'], 0)
        self.assertIn('RUNNING HANDLER [zaqar : Start zaqar supervised '
                      'processes]', output)
        self.assertNotEqual(pid, self._pid())
        with open(self._path('etc', 'zaqar.conf')) as f:
            self.assertIn(f'max_queues_per_page = {PAGE}', f.read())
        paged = self._get(f'/v2/queues?limit={PAGE}', token)
        self.assertEqual(200, paged.status_code, paged.text)
        with open(os.path.join(fixture.WORK, 'ansible-run-seconds.json'),
                  'w') as f:
            json.dump(timings, f)
        print('ansible run seconds: ' + ', '.join(
            f'{name} {seconds:.1f}' for name, seconds in timings.items()))
