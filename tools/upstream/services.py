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

"""Start and stop the comparison's processes: Redis and two WSGI servers.

Everything listens on 127.0.0.1 and is stopped by the pid we started.
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid

HOST = '127.0.0.1'
UPSTREAM_APP = 'zaqar.transport.wsgi.app:application'
OURS_APP = 'zaqar.wsgi.api:application'
CEILING_APP = 'ceiling:application'


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _tail(path: str, lines: int = 25) -> str:
    try:
        with open(path, errors='replace') as log:
            return ''.join(log.readlines()[-lines:])
    except OSError:
        return ''


class Process:
    """A child process we own, with its log file."""

    def __init__(self, name: str, argv: list[str], log_path: str,
                 env: dict | None = None, cwd: str | None = None) -> None:
        self.name = name
        self.log_path = log_path
        self._log = open(log_path, 'ab')  # noqa: SIM115 (closed by stop)
        self.proc = subprocess.Popen(argv, stdout=self._log,
                                     stderr=subprocess.STDOUT, env=env,
                                     cwd=cwd, start_new_session=True)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM our pid, wait, then SIGKILL it if it lingers."""
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._log.close()

    def failure(self) -> str:
        return f'{self.name} (pid {self.pid}) failed; end of ' \
               f'{self.log_path}:\n{_tail(self.log_path)}'


def start_redis(work_dir: str) -> tuple[Process, int]:
    """A private, memory-only redis-server on a free port."""
    binary = shutil.which('redis-server')
    if not binary:
        raise RuntimeError('redis-server not found; pass --redis-url')
    port = free_port()
    proc = Process('redis-server', [
        binary, '--port', str(port), '--bind', HOST, '--save', '',
        '--appendonly', 'no', '--dir', work_dir, '--daemonize', 'no',
        '--logfile', ''], os.path.join(work_dir, 'redis.log'))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=1) as sock:
                sock.sendall(b'PING\r\n')
                if sock.recv(16).startswith(b'+PONG'):
                    return proc, port
        except OSError:
            pass
        if not proc.alive():
            break
        time.sleep(0.1)
    proc.stop()
    raise RuntimeError(proc.failure())


def write_config(path: str, redis_uri: str, sqlite_path: str) -> None:
    """The pinned server config (DECISIONS.md, Benchmarks): Redis message
    store, SQLite management store, auth off, unreliable on."""
    text = f"""[DEFAULT]
auth_strategy =
unreliable = true
pooling = false
debug = false

[drivers]
transport = wsgi
message_store = redis
management_store = sqlalchemy

[drivers:message_store:redis]
uri = {redis_uri}

[drivers:management_store:sqlalchemy]
uri = sqlite:///{sqlite_path}
"""
    with open(path, 'w') as conf:
        conf.write(text)


def server_argv(kind: str, venv: str, uwsgi: str, app: str, port: int,
                workers: int, pidfile: str,
                path: str | None = None) -> list[str]:
    """Command line of one WSGI server: the same for both implementations.

    uWSGI: ``--http-socket`` (one request per connection), ``--lazy-apps``
    so each worker builds its own app and storage connections after fork.
    gunicorn: sync workers. ``path``: a directory to import ``app`` from.
    """
    if kind == 'uwsgi':
        extra = ['--pythonpath', path] if path else []
        return [uwsgi, '--http-socket', f'{HOST}:{port}',
                '--master', '--processes', str(workers), '--lazy-apps',
                '--need-app', '--die-on-term', '--disable-logging',
                '--home', venv, *extra, '--module', app, '--pidfile',
                pidfile]
    extra = ['--chdir', path] if path else []
    return [os.path.join(venv, 'bin', 'gunicorn'), '--workers',
            str(workers), '--worker-class', 'sync', '--bind',
            f'{HOST}:{port}', '--pid', pidfile, *extra, app]


def wait_ready(proc: Process, port: int, timeout: float = 90.0) -> None:
    """Wait until the server answers ``GET /v2/ping`` with a 2xx.

    :raises RuntimeError: with the end of its log if it dies or never
        answers.
    """
    headers = {'Client-ID': str(uuid.uuid4()), 'X-Project-ID': 'ready'}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not proc.alive():
            raise RuntimeError(proc.failure())
        conn = http.client.HTTPConnection(HOST, port, timeout=5)
        try:
            conn.request('GET', '/v2/ping', headers=headers)
            if 200 <= conn.getresponse().status < 300:
                return
        except (OSError, http.client.HTTPException):
            pass
        finally:
            conn.close()
        time.sleep(0.3)
    raise RuntimeError(f'{proc.name} did not answer within {timeout:g}s; '
                       + proc.failure())
