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

"""The reference's command lines and WSGI path work here unchanged."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

import requests

from tests.functional import server as fserver

BIN = os.path.dirname(sys.executable)
HEADERS = {'Client-ID': str(uuid.uuid4()), 'X-Project-ID': 'dropin'}


def _run(*argv: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(list(argv), capture_output=True, text=True,
                          timeout=120, **kwargs)


def _wait(url: str, timeout: float = 60.0) -> requests.Response:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            return requests.get(url, headers=HEADERS, timeout=30)
        except requests.RequestException:
            time.sleep(0.2)
    raise AssertionError(f'{url} never answered')


class _TempDir(unittest.TestCase):

    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix='zaqar-dropin-')
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)
        self.db = f'sqlite:///{self.dir}/zaqar.db'

    def write_conf(self, text: str, name: str = 'zaqar.conf') -> str:
        path = os.path.join(self.dir, name)
        with open(path, 'w') as f:
            f.write(text)
        return path

    def sql_conf(self) -> str:
        return self.write_conf(
            f'[DEFAULT]\nlog_file = {self.dir}/zaqar.log\n'
            '[drivers]\nmessage_store = sqlalchemy\n'
            'management_store = sqlalchemy\n'
            f'[drivers:message_store:sqlalchemy]\nuri = {self.db}\n'
            f'[drivers:management_store:sqlalchemy]\nuri = {self.db}\n')

    def start(self, argv: list[str], env: dict | None = None):
        log = open(os.path.join(self.dir, 'out.log'), 'w')  # noqa: SIM115
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                env=env, cwd=self.dir,
                                start_new_session=True)
        log.close()

        def stop():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        self.addCleanup(stop)
        return proc


class ReferenceWsgiPathTest(_TempDir):

    def test_application_at_the_reference_path_reads_os_zaqar_config(self):
        self.sql_conf()
        custom = self.write_conf('[DEFAULT]\nadmin_mode = true\n',
                                 'admin.conf')
        port = fserver.free_port()
        env = dict(os.environ, OS_ZAQAR_CONFIG_DIR=self.dir,
                   OS_ZAQAR_CONFIG_FILES=f'zaqar.conf;{custom}')
        self.start([os.path.join(BIN, 'gunicorn'), '--bind',
                    f'127.0.0.1:{port}', '--workers', '1',
                    '--no-control-socket',
                    'zaqar.transport.wsgi.app:application'], env=env)
        url = f'http://127.0.0.1:{port}'
        self.assertEqual(204, _wait(url + '/v2/ping').status_code)
        # admin.conf was read too: the admin API is on.
        home = requests.get(url + '/v2', headers=HEADERS, timeout=30).json()
        self.assertIn('rel/health', home['resources'])


class ServerFlagsTest(_TempDir):

    def test_admin_mode_flag_turns_on_the_admin_api(self):
        port = fserver.free_port()
        self.start([sys.executable, '-m', 'zaqar.cmd.server',
                    '--config-file', self.sql_conf(), '--port', str(port),
                    '--workers', '1', '--admin_mode'])
        url = f'http://127.0.0.1:{port}'
        _wait(url + '/v2/ping')
        home = requests.get(url + '/v2', headers=HEADERS, timeout=30).json()
        self.assertIn('rel/health', home['resources'])

    def test_daemon_flag_detaches(self):
        port = fserver.free_port()
        conf = self.sql_conf()
        self.addCleanup(self._stop_daemon, port)
        with open(os.path.join(self.dir, 'daemon.log'), 'w') as log:
            proc = subprocess.Popen(
                [sys.executable, '-m', 'zaqar.cmd.server', '--config-file',
                 conf, '--port', str(port), '--workers', '1', '--daemon'],
                stdout=log, stderr=subprocess.STDOUT, cwd=self.dir)
        # The command returns once the server has detached.
        self.assertEqual(0, proc.wait(60))
        self.assertEqual(204, _wait(f'http://127.0.0.1:{port}/v2/ping')
                         .status_code)
        self.assertTrue(self._pids(port))

    @staticmethod
    def _pids(port: int) -> list[int]:
        """Processes holding the listening socket on ``port`` (gunicorn
        renames its processes, so their command lines cannot tell)."""
        inodes = set()
        for table in ('/proc/net/tcp', '/proc/net/tcp6'):
            with open(table) as f:
                for line in f.readlines()[1:]:
                    fields = line.split()
                    if (fields[3] == '0A'
                            and int(fields[1].rsplit(':', 1)[1], 16) == port):
                        inodes.add(f'socket:[{fields[9]}]')
        found = []
        for entry in os.listdir('/proc'):
            if not entry.isdigit() or int(entry) == os.getpid():
                continue
            try:
                fds = os.listdir(f'/proc/{entry}/fd')
                if any(os.readlink(f'/proc/{entry}/fd/{fd}') in inodes
                       for fd in fds):
                    found.append(int(entry))
            except OSError:
                continue
        return found

    def _stop_daemon(self, port: int) -> None:
        for pid in self._pids(port):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 20
        while self._pids(port) and time.monotonic() < deadline:
            time.sleep(0.2)


class SqlDbManageTest(_TempDir):

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        return _run(os.path.join(BIN, 'zaqar-sql-db-manage'),
                    '--config-file', self.sql_conf(), *args)

    def test_upgrade_current_stamp(self):
        from zaqar.storage.sqlalchemy import migration
        up = self.manage('upgrade', 'head')
        self.assertEqual(0, up.returncode, up.stderr)
        self.assertEqual(migration.head(),
                         self.manage('current').stdout.strip())
        stamp = self.manage('stamp', '0001')
        self.assertEqual(0, stamp.returncode, stamp.stderr)
        self.assertEqual('0001', self.manage('version').stdout.strip())

    def test_upgrade_needs_a_revision_and_revision_is_refused(self):
        self.assertEqual(2, self.manage('upgrade').returncode)
        refused = self.manage('revision', '-m', 'x')
        self.assertEqual(2, refused.returncode)
        self.assertIn('ship with the code', refused.stderr)

    def test_a_reference_database_is_not_upgraded_in_place(self):
        path = self.db[len('sqlite:///'):]
        with sqlite3.connect(path) as conn:
            conn.execute('CREATE TABLE "Queues" (id INTEGER PRIMARY KEY)')
        proc = self.manage('upgrade', 'head')
        self.assertEqual(1, proc.returncode)
        self.assertIn('migrate-reference', proc.stderr)


class ConfigDefaultsTest(_TempDir):

    def test_a_config_file_without_stores_means_mongodb(self):
        conf = self.write_conf('[DEFAULT]\nauth_strategy = keystone\n')
        proc = _run(os.path.join(BIN, 'zaqar-status'), '--config-file',
                    conf, 'upgrade', 'check', '--json')
        self.assertIn('message_store = mongodb', proc.stdout)
        self.assertIn('[drivers:message_store:mongodb] uri must be set',
                      proc.stdout)
        self.assertEqual(2, proc.returncode)

    def test_explicit_stores_do_not_warn(self):
        proc = _run(os.path.join(BIN, 'zaqar-status'), '--config-file',
                    self.sql_conf(), 'upgrade', 'check', '--json')
        self.assertIn('Both stores are set', proc.stdout)

    def test_no_config_at_all_is_development_mode(self):
        from oslo_config import cfg

        import zaqar.conf
        from zaqar.conf import modes
        conf = cfg.ConfigOpts()
        zaqar.conf.register_opts(conf)
        conf(args=[], default_config_files=[])
        modes.apply(conf)
        self.assertEqual('sqlalchemy', conf.drivers.message_store)
        conf(args=['--config-file', self.write_conf('[DEFAULT]\n')])
        modes.apply(conf)
        self.assertEqual('mongodb', conf.drivers.message_store)
        self.assertEqual(['message_store', 'management_store'],
                         modes.stores_by_default(conf))


class NoEventletTest(unittest.TestCase):

    def test_importing_oslo_messaging_loads_no_eventlet(self):
        probe = ('import sys, warnings\n'
                 'warnings.simplefilter("always")\n'
                 'from zaqar.common import messaging\n'
                 'messaging.oslo_messaging()\n'
                 'print("eventlet" in sys.modules)\n')
        proc = _run(sys.executable, '-c', probe)
        self.assertEqual(0, proc.returncode, proc.stderr)
        self.assertEqual('False', proc.stdout.strip())
        self.assertNotIn('Eventlet is deprecated', proc.stderr)
