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

"""tools/mongodb-emulator: start.sh / stop.sh, as CI calls them."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time

import testtools

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
TOOLS = os.path.join(ROOT, 'tools', 'mongodb-emulator')
VENV = os.environ.get('ZAQAR_MONGO_VENV',
                      os.path.join(ROOT, '.ci', 'work', 'mongo-venv'))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for our purpose.
    try:
        with open(f'/proc/{pid}/stat', encoding='ascii') as stat:
            return stat.read().split()[2] != 'Z'
    except OSError:
        return False


class EmulatorScriptsTest(testtools.TestCase):
    """Starts a second, private emulator in a temporary state folder."""

    def setUp(self):
        super().setUp()
        if not os.path.exists(os.path.join(VENV, 'bin', 'python')):
            self.skipTest(f'no emulator virtualenv at {VENV} (start.sh '
                          'creates it; not installed from a unit test)')
        self.state = tempfile.mkdtemp(prefix='zaqar-mongo-')
        self.addCleanup(shutil.rmtree, self.state, True)
        self.env = dict(os.environ, ZAQAR_MONGO_STATE=self.state,
                        ZAQAR_MONGO_VENV=VENV)
        self.env.pop('ZAQAR_MONGO_PIDFILE', None)
        self.addCleanup(self._stop)

    def _run(self, script: str) -> str:
        done = subprocess.run(
            ['bash', os.path.join(TOOLS, script)], env=self.env,
            capture_output=True, text=True, timeout=120, check=True)
        return done.stdout

    def _stop(self):
        subprocess.run(['bash', os.path.join(TOOLS, 'stop.sh')],
                       env=self.env, capture_output=True, timeout=60,
                       check=False)

    def _exports(self, output: str) -> dict[str, str]:
        lines = output.strip().splitlines()
        self.assertEqual(2, len(lines), output)
        exports = {}
        for line in lines:
            self.assertTrue(line.startswith('export '), line)
            key, _, value = line[len('export '):].partition('=')
            exports[key] = value
        return exports

    def test_start_is_idempotent_and_stop_ends_the_server(self):
        import pymongo
        first = self._exports(self._run('start.sh'))
        url = first['ZAQAR_TEST_MONGODB_URL']
        self.assertTrue(url.startswith('mongodb://127.0.0.1:'), url)
        pidfile = first['ZAQAR_MONGO_PIDFILE']
        self.assertEqual(os.path.join(self.state, 'mongo-emulator.pid'),
                         pidfile)
        client = pymongo.MongoClient(url, serverSelectionTimeoutMS=3000)
        try:
            self.assertEqual(1.0, client.admin.command('ping')['ok'])
        finally:
            client.close()

        self.assertEqual(first, self._exports(self._run('start.sh')))

        with open(pidfile, encoding='ascii') as handle:
            pid = int(handle.read())
        self._run('stop.sh')
        deadline = time.monotonic() + 10
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertFalse(_alive(pid))
        self.assertFalse(os.path.exists(pidfile))
        self._run('stop.sh')  # stopping twice is fine
