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

"""The reference Zaqar 23.0.1 as a test fixture: own virtualenv, own server.

``ensure_venv()`` installs tests/dropin/requirements.txt once into
``.ci/work/reference-venv`` under a file lock (reused while the file is
unchanged). ``ReferenceServer`` writes a reference config, creates the
reference's SQL schema with its own migration command when the config has
a SQL management store, serves it on a free loopback port (with
reference_serve.py) and stops it by pid. Every reference process runs from
a temporary directory, so it imports the reference's ``zaqar``, not ours.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WORK = os.path.join(ROOT, '.ci', 'work')
VENV = os.path.join(WORK, 'reference-venv')
REQUIREMENTS = os.path.join(HERE, 'requirements.txt')
SERVE = os.path.join(HERE, 'reference_serve.py')
# The first install downloads ~95 packages.
_INSTALL_TIMEOUT = 1200
_START_TIMEOUT = 60

_DB_MANAGE = ('import sys\n'
              'from zaqar.storage.sqlalchemy.migration import cli\n'
              'sys.argv = ["zaqar-sql-db-manage", "--config-file", '
              'sys.argv[1], "upgrade", "head"]\n'
              'cli.main()\n')


class ReferenceUnavailable(Exception):
    """The reference could not be installed or started; says why."""


def python() -> str:
    return os.path.join(VENV, 'bin', 'python')


def _run(cmd: list[str], timeout: float, **kwargs) -> None:
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True,
                              check=False, timeout=timeout, **kwargs)
    except subprocess.TimeoutExpired:
        raise ReferenceUnavailable(f'{" ".join(cmd[:3])} timed out')
    if proc.returncode:
        raise ReferenceUnavailable(
            f'{" ".join(cmd[:3])} failed ({proc.returncode}): '
            f'{(proc.stdout + proc.stderr)[-2000:]}')


def ensure_venv() -> None:
    """Install the pinned reference into VENV unless already there."""
    with open(REQUIREMENTS, 'rb') as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    stamp = os.path.join(VENV, '.requirements.sha256')
    os.makedirs(WORK, exist_ok=True)
    with open(os.path.join(WORK, 'reference-venv.lock'), 'a') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with contextlib.suppress(FileNotFoundError), open(stamp) as f:
            if f.read().strip() == digest:
                return
        shutil.rmtree(VENV, ignore_errors=True)
        _run([sys.executable, '-m', 'venv', VENV], 300)
        _run([python(), '-m', 'pip', 'install', '-q',
              '--disable-pip-version-check', '-r', REQUIREMENTS],
             _INSTALL_TIMEOUT)
        with open(stamp, 'w') as f:
            f.write(digest + '\n')


def free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class ReferenceServer:
    """One reference zaqar-server on ``config`` (an INI text without the
    ``[drivers:transport:wsgi]`` section, which is added here)."""

    def __init__(self, config: str):
        self.dir = tempfile.mkdtemp(prefix='zaqar-ref-')
        self.port = free_port()
        self.url = f'http://127.0.0.1:{self.port}'
        self.config = os.path.join(self.dir, 'zaqar.conf')
        with open(self.config, 'w') as f:
            f.write(config + '\n[drivers:transport:wsgi]\nbind = 127.0.0.1\n'
                    f'port = {self.port}\n')
        self.process: subprocess.Popen | None = None

    def create_sql_schema(self) -> None:
        """The reference's own ``zaqar-sql-db-manage upgrade head``."""
        _run([python(), '-c', _DB_MANAGE, self.config], 300, cwd=self.dir)

    def start(self) -> ReferenceServer:
        log = open(os.path.join(self.dir, 'server.log'), 'w')  # noqa: SIM115
        self.process = subprocess.Popen(
            [python(), SERVE, self.config], cwd=self.dir, stdout=log,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
        log.close()
        headers = {'Client-ID': str(uuid.uuid4()), 'X-Project-ID': 'ping'}
        deadline = time.monotonic() + _START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            with contextlib.suppress(requests.RequestException):
                if requests.get(self.url + '/v2/ping', headers=headers,
                                timeout=5).status_code < 300:
                    return self
            time.sleep(0.2)
        self.stop()
        raise ReferenceUnavailable('the reference server did not start: '
                                   + self.log_tail())

    def log_tail(self) -> str:
        with contextlib.suppress(OSError), open(
                os.path.join(self.dir, 'server.log')) as f:
            return f.read()[-3000:]
        return ''

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
