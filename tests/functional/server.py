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

"""A real zaqar-server on a free loopback port, for functional tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from urllib.parse import urljoin

import requests

from tests import logscan


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _ini_lines(text: str) -> str:
    """Config lines without indentation (which INI reads as continuation)."""
    return '\n'.join(line.strip() for line in text.splitlines())


class Server:
    """Start ``zaqar-server`` with a generated config file; stop by pid."""

    def __init__(self, store_uri: str, message_store: str = 'sqlalchemy',
                 extra_conf: str = '', workers: int = 1,
                 test_allowances: bool = True):
        self.dir = tempfile.mkdtemp(prefix='zaqar-func-')
        self.port = free_port()
        self.url = f'http://127.0.0.1:{self.port}'
        self.config = os.path.join(self.dir, 'zaqar.conf')
        with open(self.config, 'w') as f:
            f.write('[DEFAULT]\n'
                    f'log_file = {self.dir}/zaqar.log\n'
                    f'{_ini_lines(extra_conf)}\n\n'
                    '[drivers]\n'
                    f'message_store = {message_store}\n\n'
                    f'[drivers:message_store:{message_store}]\n'
                    f'uri = {store_uri}\n')
            if test_allowances:
                # Test receivers listen on loopback and test pools live in
                # temporary directories: both refused by default.
                f.write('\n[notification]\n'
                        'destination_allowlist = 127.0.0.0/8, ::1\n\n'
                        '[pooling:catalog]\n'
                        f'sqlite_pool_directory = {tempfile.gettempdir()}\n')
        self.workers = workers
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60.0,
              store_down: bool = False) -> 'Server':
        """Wait until /healthcheck answers 200 (the store is reachable).

        ``store_down``: the test points the server at a store that does
        not answer, so the probe's 503 (storage unreachable) also means
        the server is up.
        """
        ready = (200, 503) if store_down else (200,)
        logscan.remember_config(self.config)
        self.process = subprocess.Popen(
            [sys.executable, '-m', 'zaqar.cmd.server',
             '--config-file', self.config, '--port', str(self.port),
             '--workers', str(self.workers)],
            stdout=subprocess.DEVNULL, stderr=open(
                os.path.join(self.dir, 'stderr.log'), 'w'))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError('zaqar-server exited: ' + self.log_tail())
            try:
                if requests.get(self.url + '/healthcheck',
                                timeout=10).status_code in ready:
                    return self
            except (requests.ConnectionError, requests.Timeout):
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError('zaqar-server did not start: ' + self.log_tail())

    def log_tail(self) -> str:
        parts = []
        for name in ('stderr.log', 'zaqar.log'):
            path = os.path.join(self.dir, name)
            if os.path.exists(path):
                with open(path) as f:
                    parts.append(f.read()[-3000:])
        return '\n'.join(parts)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None:
            logscan.keep_logs(self.dir, 'zaqar-server')


class Client:
    """Raw HTTP with the Zaqar headers (a requests.Session)."""

    def __init__(self, url: str, project: str | None = None,
                 client_id: str | None = None, roles: str | None = None):
        self.url = url
        self.session = requests.Session()
        self.session.hooks['response'].append(logscan.remember_exchange)
        self.session.headers['Client-ID'] = client_id or str(uuid.uuid4())
        self.session.headers['X-Project-ID'] = (
            project or 'p-' + uuid.uuid4().hex[:12])
        if roles:
            self.session.headers['X-Roles'] = roles

    @property
    def project(self) -> str:
        return self.session.headers['X-Project-ID']

    def request(self, method: str, path: str, **kwargs):
        return self.session.request(method, urljoin(self.url, path), **kwargs)

    def get(self, path, **kw):
        return self.request('GET', path, **kw)

    def put(self, path, **kw):
        return self.request('PUT', path, **kw)

    def post(self, path, **kw):
        return self.request('POST', path, **kw)

    def patch(self, path, **kw):
        return self.request('PATCH', path, **kw)

    def delete(self, path, **kw):
        return self.request('DELETE', path, **kw)

    def head(self, path, **kw):
        return self.request('HEAD', path, **kw)
