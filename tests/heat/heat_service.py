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

"""A real heat-engine and heat-api (gunicorn) on loopback, and their cleanup.

Each deployment gets a private MariaDB database and a private RabbitMQ
vhost (dropped afterwards), a heat.conf pointing at the run's Keystone
with a stack domain of its own, and this repository's heat_plugin on
``plugin_dirs``. Processes run in their own session and are stopped by
process group.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time

import pymysql
import requests

from tests.functional import server as fserver
from tests.heat import venvs

HERE = venvs.HERE
# heat-engine loads every resource plugin before it listens: slow when the
# machine is busy.
_START_TIMEOUT = 300
# What heat-engine logs once its RPC server consumes (oslo.service).
_ENGINE_READY = 'Starting engine'

_CONF = """\
[DEFAULT]
log_dir = {dir}
debug = false
transport_url = rabbit://guest:guest@127.0.0.1:5672/{vhost}
region_name_for_services = {region}
stack_user_domain_id = {domain_id}
stack_domain_admin = {domain_admin}
stack_domain_admin_password = {domain_admin_password}
plugin_dirs = {plugin_dirs}
num_engine_workers = 1
environment_dir = {venv}/etc/heat/environment.d
template_dir = {venv}/etc/heat/templates
heat_metadata_server_url = {heat_url}
heat_waitcondition_server_url = {heat_url}/v1/waitcondition
host = heat-test-{tag}
rpc_response_timeout = 120
# Convergence engine (the default) with a short periodic for signals.
periodic_interval = 5
client_retry_limit = 1

[database]
connection = mysql+pymysql://{db_user}@{db_host}:{db_port}/{db_name}

[keystone_authtoken]
www_authenticate_uri = {auth_url}
auth_url = {auth_url}
auth_type = password
user_id = {heat_user_id}
password = {heat_password}
project_id = {heat_project_id}
interface = public
token_cache_time = 300

[trustee]
auth_type = password
auth_url = {auth_url}
user_id = {heat_user_id}
password = {heat_password}

[clients_keystone]
auth_uri = {keystone_url}

[clients]
endpoint_type = publicURL

[paste_deploy]
api_paste_config = {venv}/etc/heat/api-paste.ini

[heat_api]
workers = 1

[oslo_messaging_notifications]
driver = noop

[oslo_messaging_rabbit]
heartbeat_timeout_threshold = 0
"""


def _mysql():
    url = os.environ.get('ZAQAR_TEST_MYSQL_URL', '')
    host, port, user = '127.0.0.1', 3306, 'root'
    if url:
        from sqlalchemy.engine import make_url
        parsed = make_url(url)
        host, port = parsed.host or host, parsed.port or port
        user = parsed.username or user
    return host, port, user


class HeatService:
    """heat-engine + heat-api for one test class."""

    def __init__(self, tag: str, venv: str, plugin_dirs: str):
        self.tag = tag
        self.venv = venv
        self.plugin_dirs = plugin_dirs
        self.dir = os.path.join(venvs.WORK, 'heat-run', tag)
        os.makedirs(self.dir, exist_ok=True)
        self.port = fserver.free_port()
        self.url = f'http://127.0.0.1:{self.port}'
        self.db_name = f'heat_{tag}'
        self.vhost = f'zaqar-heat-{tag}'
        self.conf = os.path.join(self.dir, 'heat.conf')
        self.processes: list[subprocess.Popen] = []
        self._db_made = self._vhost_made = False

    # -- backing services ---------------------------------------------------

    def make_database(self) -> None:
        host, port, user = _mysql()
        conn = pymysql.connect(host=host, port=port, user=user)
        try:
            with conn.cursor() as cur:
                cur.execute(f'CREATE DATABASE `{self.db_name}` '
                            'CHARACTER SET utf8mb4')
        finally:
            conn.close()
        self._db_made = True

    def drop_database(self) -> None:
        if not self._db_made:
            return
        host, port, user = _mysql()
        conn = pymysql.connect(host=host, port=port, user=user)
        try:
            with conn.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS `{self.db_name}`')
        finally:
            conn.close()
        self._db_made = False

    def make_vhost(self) -> None:
        """A RabbitMQ vhost of its own, so no other engine shares topics."""
        ctl = shutil.which('rabbitmqctl')
        if ctl is None:
            raise venvs.ToolUnavailable('rabbitmqctl not found')
        venvs.run([ctl, 'add_vhost', self.vhost], 120)
        self._vhost_made = True
        venvs.run([ctl, 'set_permissions', '-p', self.vhost, 'guest',
                   '.*', '.*', '.*'], 120)

    def drop_vhost(self) -> None:
        if self._vhost_made:
            venvs.run([shutil.which('rabbitmqctl'), 'delete_vhost',
                       self.vhost], 120)
            self._vhost_made = False

    # -- heat ---------------------------------------------------------------

    def write_conf(self, keystone, ident) -> None:
        host, port, user = _mysql()
        with open(self.conf, 'w') as f:
            f.write(_CONF.format(
                dir=self.dir, vhost=self.vhost, region=ident.region,
                domain_id=ident.domain_id, domain_admin=ident.domain_admin,
                domain_admin_password=ident.domain_admin_password,
                plugin_dirs=self.plugin_dirs, venv=self.venv,
                heat_url=self.url, tag=self.tag, db_user=user, db_host=host,
                db_port=port, db_name=self.db_name,
                auth_url=keystone.auth_url, keystone_url=keystone.url,
                heat_user_id=ident.heat.id, heat_password=ident.heat.password,
                heat_project_id=ident.heat.project_id))

    def start(self) -> None:
        venvs.run([venvs.bin_path(self.venv, 'heat-manage'), '--config-file',
                   self.conf, 'db_sync'], 600)
        self._spawn('engine', [venvs.bin_path(self.venv, 'heat-engine'),
                               '--config-file', self.conf])
        self._spawn('api', [
            venvs.bin_path(self.venv, 'gunicorn'),
            '--bind', f'127.0.0.1:{self.port}', '--workers', '1',
            '--threads', '4', '--timeout', '300', '--keep-alive', '60',
            '--chdir', HERE,
            'heat_api_wsgi:application'],
            env={'ZAQAR_TEST_HEAT_CONF': self.conf})
        deadline = time.monotonic() + _START_TIMEOUT
        while not (self._api_answers() and self._engine_ready()):
            for proc in self.processes:
                if proc.poll() is not None:
                    raise venvs.ToolUnavailable(
                        f'{proc.args[0]} exited: {self.log_tail()}')
            if time.monotonic() > deadline:
                raise venvs.ToolUnavailable(
                    f'Heat did not start: {self.log_tail()}')
            time.sleep(1)

    def _spawn(self, name: str, cmd: list[str], env: dict | None = None):
        with open(os.path.join(self.dir, f'{name}.out'), 'w') as log:
            self.processes.append(subprocess.Popen(
                cmd, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
                env={**os.environ, **(env or {})}))

    def _api_answers(self) -> bool:
        try:
            return requests.get(self.url + '/', timeout=5).status_code in (
                200, 300)
        except requests.RequestException:
            return False

    def _engine_ready(self) -> bool:
        path = os.path.join(self.dir, 'heat-engine.log')
        if not os.path.exists(path):
            return False
        with open(path, errors='replace') as f:
            return _ENGINE_READY in f.read()

    def log_tail(self, size: int = 4000) -> str:
        parts = []
        for name in ('engine.out', 'heat-engine.log', 'api.out',
                     'gunicorn.log'):
            path = os.path.join(self.dir, name)
            if os.path.exists(path):
                with open(path, errors='replace') as f:
                    parts.append(f'--- {name}\n' + f.read()[-size:])
        return '\n'.join(parts)

    def stop(self) -> None:
        for proc in self.processes:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.processes:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.processes = []
        shutil.rmtree(self.dir, ignore_errors=True)
