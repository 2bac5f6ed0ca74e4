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

"""Agent tests: a live zaqar-server on Redis, RPC peers in other processes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid

from oslo_config import cfg

from tests import backends
from tests.functional import base as fbase
from tests.functional import server as fserver

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
# The signing key of the test server (signed URLs on).
SECRET = 'agent-tests-' + uuid.uuid4().hex
# Seconds a helper process may take to import oslo.messaging and start.
START_TIMEOUT = 60


class ProcessHelpers:
    """RPC peers in helper processes, for a class with ``self.server``."""

    def setUp(self):
        super().setUp()
        self.project = 'agent-' + uuid.uuid4().hex[:12]
        self.topic = 'topic-' + uuid.uuid4().hex[:8]
        self.tmp = tempfile.mkdtemp(prefix='zaqar-agent-test-')
        self.addCleanup(shutil.rmtree, self.tmp, True)

    @property
    def port(self) -> int:
        return self.server.port

    def transport_url(self, project: str | None = None, **query) -> str:
        query = {'project_id': project or self.project, **query}
        text = '&'.join(f'{k}={v}' for k, v in query.items())
        return f'zaqar://127.0.0.1:{self.port}/?{text}'

    def rpc_transport(self, url: str | None = None):
        import oslo_messaging
        transport = oslo_messaging.get_rpc_transport(
            cfg.CONF, url=url or self.transport_url())
        self.addCleanup(transport.cleanup)
        return transport

    def notification_transport(self, url: str | None = None):
        import oslo_messaging
        transport = oslo_messaging.get_notification_transport(
            cfg.CONF, url=url or self.transport_url())
        self.addCleanup(transport.cleanup)
        return transport

    # -- zaqar-agent ----------------------------------------------------------

    def agent_credentials(self) -> tuple[list[str], dict]:
        """(options, environment) naming the operator to zaqar-agent."""
        return ['--project-id', self.project], {}

    def zaqar_agent(self, *args, check=True) -> subprocess.CompletedProcess:
        options, env = self.agent_credentials()
        proc = subprocess.run(
            [sys.executable, '-m', 'zaqar.agent.cli',
             '--url', self.server.url, *options, *args],
            capture_output=True, text=True, timeout=120, cwd=ROOT,
            env={**os.environ, **env})
        if check:
            self.assertEqual(0, proc.returncode, proc.stderr)
        return proc

    def provision(self, server: str, *extra) -> dict:
        """``zaqar-agent provision``; its signed URLs written where the
        rendered transport URL says."""
        path = os.path.join(self.tmp, f'{server}-signed-urls.json')
        answer = json.loads(self.zaqar_agent(
            'provision', '--topic', self.topic, '--server', server,
            '--path', path, *extra).stdout)
        with open(path, 'w') as f:
            json.dump(answer['signed_urls'], f)
        return answer

    # -- helper processes ---------------------------------------------------

    def log_path(self, name: str) -> str:
        return os.path.join(self.tmp, name + '.jsonl')

    def spawn(self, role: str, name: str, url: str | None = None,
              wait_ready: bool = True, **options) -> subprocess.Popen:
        """Start ``tests.agent.procs ROLE``; stopped by pid in cleanup."""
        cmd = [sys.executable, '-m', 'tests.agent.procs', role,
               '--url', url or self.transport_url(),
               '--log', self.log_path(name), '--topic', self.topic,
               '--name', name]
        for key, value in options.items():
            cmd += ['--' + key.replace('_', '-'), str(value)]
        stderr = open(os.path.join(self.tmp, name + '.stderr'), 'w')
        self.addCleanup(stderr.close)
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=stderr, text=True)
        self.addCleanup(self.stop_process, proc)
        proc.name = name
        if wait_ready:
            self.ready(proc)
        return proc

    def ready(self, *procs: subprocess.Popen) -> None:
        """Wait for each process to print READY."""
        for proc in procs:
            line = proc.stdout.readline()
            if line.strip() != 'READY':
                proc.wait(timeout=START_TIMEOUT)
                self.fail(f'{proc.name} did not start: '
                          f'{self.stderr_of(proc.name)}')

    def stderr_of(self, name: str) -> str:
        with open(os.path.join(self.tmp, name + '.stderr')) as f:
            return f.read()[-4000:]

    @staticmethod
    def stop_process(proc: subprocess.Popen) -> None:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc.stdout:
            proc.stdout.close()

    def events(self, name: str, event: str | None = None) -> list[dict]:
        path = self.log_path(name)
        if not os.path.exists(path):
            return []
        with open(path) as f:
            rows = [json.loads(line) for line in f if line.endswith('\n')]
        return [r for r in rows if event is None or r['event'] == event]

    def wait_until(self, predicate, timeout: float, message: str):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.1)
        self.fail(f'timed out after {timeout}s: {message}')


class AgentTestCase(ProcessHelpers, fbase.ServerTestCase):
    """One zaqar-server (Redis store, signed URLs on) per class."""

    backend = 'redis'
    extra_conf = f'[signed_url]\nsecret_key = {SECRET}\n'
    # Two API workers, as the service is deployed (and the box has 2 cores).
    workers = 2

    @classmethod
    def setUpClass(cls):
        # ServerTestCase's set-up, with two workers.
        cls._tmp = tempfile.mkdtemp(prefix='zaqar-agent-db-')
        cls._backend = backends.ALL[cls.backend](fbase._ClassLevel())
        uri, _ = cls._backend.setup()
        cls.server = fserver.Server(uri, cls._backend.driver,
                                    cls.extra_conf, workers=cls.workers)
        try:
            cls.server.start()
        except Exception:
            cls._cleanup_store()
            raise

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.server.dir, ignore_errors=True)
