"""The pooled backend for the contract suite, and private Redis servers.

``PooledBackend`` builds the pooling router over a SQLite management store
with three real pools: two private ``redis-server`` processes on free ports
(no persistence; started here, stopped by pid) and a SQLite file. Queues
land on them at random, so the whole contract suite runs through the
router with its queues spread over mixed drivers.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time

from tests import backends

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


class PooledBackend(backends.Backend):
    """SQL management store + two private Redis pools + a SQLite pool."""

    name = 'pooled'
    driver = 'pooled'

    def setup(self):
        if not have_redis_server():
            backends.unavailable(self.testcase, self.name,
                                 'redis-server not installed')
        from zaqar.storage import control
        from zaqar.storage.sqlalchemy import management
        self._dir = tempfile.mkdtemp(prefix='zaqar-pooled-')
        self.servers: list[PrivateRedis] = []
        store_uri = 'sqlite:///' + os.path.join(self._dir, 'management.db')
        store = management.ControlDriver(store_uri)
        try:
            for name, kind, weight in POOLS:
                if kind == 'redis':
                    server = PrivateRedis(self._dir + f'/{name}')
                    os.makedirs(server.directory)
                    self.servers.append(server.start())
                    uri = server.url
                else:
                    uri = 'sqlite:///' + os.path.join(self._dir, f'{name}.db')
                store.pools_controller.put(control.Pool(name, uri, weight))
        finally:
            store.close()
        # A short cache: the suite's "second worker" tests see changes soon.
        return store_uri, {'cache_ttl': 1.0}

    def cleanup(self):
        for server in self.servers:
            server.stop()
        shutil.rmtree(self._dir, ignore_errors=True)
