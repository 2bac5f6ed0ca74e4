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

"""One Heat deployment per test class, over the run's Keystone.

setUpClass builds, in order: the Heat and guest virtualenvs (pinned,
cached under .ci/work), Keystone projects/users/stack domain, a zaqar-server
in Keystone mode with the default policy (pooling on, one base pool), the
catalog region, a private MariaDB database and RabbitMQ vhost, heat-engine
and heat-api. Everything is removed in reverse order. A missing tool or
backend skips locally and fails in CI (ZAQAR_TEST_REQUIRE_BACKENDS=1).
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
from tests.functional import server as fserver
from tests.heat import guest, heat_service, keystone_setup, venvs
from tests.keystone import fixture as ks_fixture

HERE = venvs.HERE
REPO = venvs.ROOT
SIGNING_KEY = 'heat-tests-signing-key-0123456789abcdef'
DRIVER = os.path.join(HERE, 'heat_driver.py')
PLUGIN = os.path.join(REPO, 'heat_plugin')
# Where per-stack timings are kept for the closing note.
TIMINGS = os.path.join(venvs.WORK, 'heat-run', 'timings.json')


class HeatDriver:
    """python-heatclient in the Heat venv, one JSON line per operation."""

    def __init__(self, venv: str, keystone, user, region: str):
        self.proc = subprocess.Popen(
            [venvs.bin_path(venv, 'python'), DRIVER], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, start_new_session=True)
        self.call('login', auth_url=keystone.auth_url, user_id=user.id,
                  password=user.password, project_id=user.project_id,
                  region=region)

    def call(self, op: str, **params):
        self.proc.stdin.write(json.dumps({'op': op, **params}) + '\n')
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise AssertionError(f'heat driver exited during {op}')
        answer = json.loads(line)
        if not answer['ok']:
            raise AssertionError(f'{op}: {answer["error"]}')
        return answer.get('result')

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class HeatCase(unittest.TestCase):
    """Heat 27 + this service (Keystone auth, default policy)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls._build()
        except (ks_fixture.KeystoneUnavailable, venvs.ToolUnavailable,
                OSError) as exc:
            cls._teardown()
            if backends.required():
                raise
            raise unittest.SkipTest(f'Heat fixture unavailable: {exc}')
        except Exception:
            cls._teardown()
            raise

    @classmethod
    def _build(cls):
        cls.tag = uuid.uuid4().hex[:8]
        cls.phases = {}
        cls._phase('venvs')
        cls.heat_venv = venvs.ensure('heat', os.path.join(
            HERE, 'requirements.txt'), (PLUGIN,))
        cls.guest_venv = venvs.ensure('heat-guest', guest.REQUIREMENTS)
        cls.agents = guest.ensure_agents(cls.guest_venv)
        cls._phase('keystone')
        cls.keystone = ks_fixture.Keystone.get()
        cls.ident = keystone_setup.build(cls.keystone, cls.tag)
        cls._phase('zaqar')
        cls._tmp = tempfile.mkdtemp(prefix='zaqar-heat-')
        cls.zaqar = cls._start_zaqar()
        cls.heat = heat_service.HeatService(
            cls.tag, cls.heat_venv, cls._plugin_resources_dir())
        keystone_setup.catalog(cls.keystone, cls.ident, cls.zaqar.url,
                               cls.heat.url)
        cls._phase('heat')
        cls.heat.make_database()
        cls.heat.make_vhost()
        cls.heat.write_conf(cls.keystone, cls.ident)
        cls.heat.start()
        cls._phase(None)
        cls.drivers = {}

    @classmethod
    def _phase(cls, name: str | None) -> None:
        """Time the fixture's start-up phases (for the closing note)."""
        now = time.monotonic()
        last = getattr(cls, '_phase_name', None)
        if last is not None:
            cls.phases[last] = round(now - cls._phase_start, 1)
        cls._phase_name, cls._phase_start = name, now
        if name is None:
            print(f'heat fixture start-up (s): {cls.phases}', flush=True)

    @classmethod
    def _plugin_resources_dir(cls) -> str:
        out = venvs.run([venvs.bin_path(cls.heat_venv, 'python'), '-c',
                         'import zaqar_heat; print(zaqar_heat.RESOURCES_DIR)'],
                        120)
        return out.strip()

    @classmethod
    def _start_zaqar(cls) -> fserver.Server:
        srv = fserver.Server('sqlite:///' + os.path.join(cls._tmp, 'z.db'),
                             'sqlalchemy', 'admin_mode = true')
        ks = cls.keystone
        zaqar = cls.ident.zaqar
        with open(srv.config, 'a') as f:
            f.write(
                '\n[DEFAULT]\nauth_strategy = keystone\npooling = true\n\n'
                '[drivers]\nmanagement_store = sqlalchemy\n\n'
                '[drivers:management_store:sqlalchemy]\n'
                f'uri = sqlite:///{cls._tmp}/management.db\n\n'
                f'[signed_url]\nsecret_key = {SIGNING_KEY}\n\n'
                '[notification]\ndestination_allowlist = 127.0.0.1\n\n'
                '[keystone_authtoken]\n'
                f'www_authenticate_uri = {ks.auth_url}\n'
                f'auth_url = {ks.auth_url}\nauth_type = password\n'
                f'user_id = {zaqar.id}\npassword = {zaqar.password}\n'
                f'project_id = {zaqar.project_id}\ninterface = public\n'
                'service_type = messaging\ntoken_cache_time = 300\n')
        cls._zaqar_server = srv
        srv.start()
        resp = cls.http_as(srv.url, cls.ident.operator).put(
            '/v2/pools/base', json={
                'weight': 100,
                'uri': f'sqlite:///{cls._tmp}/base-pool.db'})
        if resp.status_code != 201:
            raise AssertionError(f'base pool: {resp.status_code} '
                                 f'{resp.text}')
        return srv

    @classmethod
    def http_as(cls, url: str, user) -> fserver.Client:
        client = fserver.Client(url, project=user.project_id)
        client.session.headers['X-Auth-Token'] = cls.keystone.token(user)
        return client

    def zaqar_as(self, user) -> fserver.Client:
        return self.http_as(self.zaqar.url, user)

    def driver(self, user) -> HeatDriver:
        if user.id not in self.drivers:
            self.drivers[user.id] = HeatDriver(
                self.heat_venv, self.keystone, user, self.ident.region)
        return self.drivers[user.id]

    @classmethod
    def tearDownClass(cls):
        cls._teardown()
        super().tearDownClass()

    @classmethod
    def _teardown(cls):
        problems = []
        for driver in getattr(cls, 'drivers', {}).values():
            driver.close()
        heat = getattr(cls, 'heat', None)
        if heat is not None:
            heat.stop()
            for step in (heat.drop_database, heat.drop_vhost):
                try:
                    step()
                except Exception as exc:  # keep cleaning
                    problems.append(str(exc))
        if getattr(cls, '_zaqar_server', None) is not None:
            cls._zaqar_server.stop()
            shutil.rmtree(cls._zaqar_server.dir, ignore_errors=True)
        if getattr(cls, 'ident', None) is not None:
            problems += keystone_setup.cleanup(cls.keystone, cls.ident)
            cls.ident = None
        if getattr(cls, '_tmp', None):
            shutil.rmtree(cls._tmp, ignore_errors=True)
        if problems:
            raise AssertionError('Heat fixture cleanup: '
                                 + '; '.join(problems))

    # -- helpers for the stacks --------------------------------------------

    def record(self, stack: str, action: str, seconds: float) -> None:
        """Keep a stack timing for the closing note (.ci/work/heat-run)."""
        os.makedirs(os.path.dirname(TIMINGS), exist_ok=True)
        found = {}
        if os.path.exists(TIMINGS):
            with open(TIMINGS) as f:
                found = json.load(f)
        found.setdefault(stack, {})[action] = seconds
        with open(TIMINGS, 'w') as f:
            json.dump(found, f, indent=1, sort_keys=True)

    def assertStack(self, result: dict, status: str) -> dict:
        if result.get('status') != status or result.get('timeout'):
            raise AssertionError(
                f'stack {result.get("status")} (wanted {status}): '
                f'{result.get("reason")}\n{self.heat.log_tail(3000)}')
        return result

    def wait_for(self, what: str, probe, timeout: float = 60.0,
                 interval: float = 1.0):
        """``probe()`` until truthy; its value (fails after ``timeout``)."""
        deadline = time.monotonic() + timeout
        while True:
            value = probe()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f'timed out waiting for {what}')
            time.sleep(interval)

    @staticmethod
    def answers(resp: requests.Response, *statuses: int):
        if resp.status_code not in statuses:
            raise AssertionError(f'{resp.request.method} {resp.request.url}'
                                 f': {resp.status_code} {resp.text}')
        return resp
