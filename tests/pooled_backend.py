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

"""Private Redis servers, and the pools of the pooled contract backend.

``tests.backends.PooledBackend`` builds the pooling router over a SQLite
management store with the three real pools of ``POOLS``: two private
``redis-server`` processes on free ports (no persistence; started here,
stopped by pid) and a SQLite file. Queues land on them at random, so the
whole contract suite runs through the router with its queues spread over
mixed drivers.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time

# Pools of the pooled backend: (name, kind, weight).
POOLS = (('redis-a', 'redis', 100), ('redis-b', 'redis', 100),
         ('sqlite', 'sqlite', 100))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """A throw-away redis-server on a free loopback port."""

    def __init__(self, directory: str):
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f'redis://127.0.0.1:{self.port}'

    def start(self, timeout: float = 15.0) -> PrivateRedis:
        import redis
        self.process = subprocess.Popen(
            ['redis-server', '--port', str(self.port), '--bind', '127.0.0.1',
             '--dir', self.directory, '--save', '', '--appendonly', 'no',
             '--daemonize', 'no', '--logfile', 'redis.log'],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        probe = redis.Redis(host='127.0.0.1', port=self.port,
                            socket_connect_timeout=0.2)
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                try:
                    if probe.ping():
                        return self
                except (redis.exceptions.ConnectionError,
                        redis.exceptions.BusyLoadingError):
                    pass
                time.sleep(0.05)
        finally:
            probe.close()
        self.stop()
        raise RuntimeError('private redis-server did not start')

    def stop(self) -> None:
        """Terminate by pid (SIGKILL if it lingers) and reap it."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def have_redis_server() -> bool:
    return shutil.which('redis-server') is not None


def start_pools(directory: str, store) -> list[PrivateRedis]:
    """Register ``POOLS`` in ``store``; return the Redis servers started."""
    from zaqar.storage import control
    servers: list[PrivateRedis] = []
    try:
        for name, kind, weight in POOLS:
            if kind == 'redis':
                server = PrivateRedis(os.path.join(directory, name))
                os.makedirs(server.directory)
                servers.append(server.start())
                uri = server.url
            else:
                uri = 'sqlite:///' + os.path.join(directory, f'{name}.db')
            store.pools_controller.put(control.Pool(name, uri, weight))
    except BaseException:
        for server in servers:
            server.stop()
        raise
    return servers
