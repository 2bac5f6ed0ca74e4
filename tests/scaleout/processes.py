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

"""Private redis-server, redis-sentinel and haproxy processes on loopback.

Each process runs from a config file in a temporary directory, on a free
port, and is stopped by pid. A missing binary raises ``ToolMissing`` so
that tests skip locally and fail in CI (tests.backends decides).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import redis

from tests.functional.server import free_port


class ToolMissing(Exception):
    """A binary the topology needs is not installed."""


def binary(name: str) -> str:
    for candidate in (shutil.which(name), f'/usr/sbin/{name}',
                      f'/usr/bin/{name}'):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise ToolMissing(f'{name} is not installed')


def wait_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            sock.settimeout(0.2)
            if sock.connect_ex(('127.0.0.1', port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f'nothing listens on port {port}')


class Process:
    """One supervised child; ``kill()`` is SIGKILL, ``stop()`` SIGTERM."""

    def __init__(self, argv: list[str], log: str):
        self.argv = argv
        self.log = log
        self.popen: subprocess.Popen | None = None

    def start(self) -> Process:
        with open(self.log, 'ab') as out:
            self.popen = subprocess.Popen(self.argv, stdout=out,
                                          stderr=subprocess.STDOUT,
                                          start_new_session=True)
        return self

    @property
    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self) -> None:
        self._signal(signal.SIGKILL)

    def stop(self) -> None:
        self._signal(signal.SIGTERM)

    def _signal(self, signum: int) -> None:
        if not self.alive:
            return
        self.popen.send_signal(signum)
        try:
            self.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()


class Topology:
    """A set of processes sharing one temporary directory."""

    def __init__(self, prefix: str):
        self.dir = tempfile.mkdtemp(prefix=prefix)
        self.processes: list[Process] = []

    def path(self, name: str) -> str:
        return os.path.join(self.dir, name)

    def spawn(self, argv: list[str], name: str) -> Process:
        process = Process(argv, self.path(name + '.log')).start()
        self.processes.append(process)
        return process

    def redis(self, name: str, *, replica_of: int | None = None,
              extra: tuple[str, ...] = ()) -> tuple[Process, int]:
        """A redis-server with ``appendfsync always`` (no acknowledged
        write is lost by a crash of the process)."""
        port = free_port()
        data = self.path(name)
        os.makedirs(data, exist_ok=True)
        argv = [binary('redis-server'), '--bind', '127.0.0.1',
                '--port', str(port), '--dir', data, '--save', '',
                '--appendonly', 'yes', '--appendfsync', 'always',
                '--protected-mode', 'no', *extra]
        if replica_of:
            argv += ['--replicaof', '127.0.0.1', str(replica_of)]
        process = self.spawn(argv, name)
        wait_port(port)
        return process, port

    def sentinel(self, name: str, master: str, master_port: int,
                 quorum: int = 2, down_after_ms: int = 1000) -> int:
        port = free_port()
        conf = self.path(name + '.conf')
        with open(conf, 'w') as f:
            f.write(f'port {port}\nbind 127.0.0.1\n'
                    f'dir {self.dir}\n'
                    f'sentinel monitor {master} 127.0.0.1 {master_port} '
                    f'{quorum}\n'
                    f'sentinel down-after-milliseconds {master} '
                    f'{down_after_ms}\n'
                    f'sentinel failover-timeout {master} 5000\n'
                    f'sentinel parallel-syncs {master} 1\n')
        self.spawn([binary('redis-sentinel'), conf], name)
        wait_port(port)
        return port

    def haproxy(self, name: str, backends: list[int],
                health_path: str = '/healthcheck') -> int:
        """HAProxy in front of ``backends`` (ports on 127.0.0.1), checking
        each with GET ``health_path`` every 250 ms."""
        port = free_port()
        conf = self.path(name + '.cfg')
        servers = '\n'.join(
            f'    server api{i} 127.0.0.1:{p} check inter 250 fall 2 '
            f'rise 2' for i, p in enumerate(backends))
        with open(conf, 'w') as f:
            f.write(
                'global\n    maxconn 4096\n\n'
                'defaults\n    mode http\n    timeout connect 2s\n'
                '    timeout client 30s\n    timeout server 30s\n'
                '    retries 2\n    option redispatch\n\n'
                f'frontend api\n    bind 127.0.0.1:{port}\n'
                '    default_backend zaqar\n\n'
                'backend zaqar\n    balance roundrobin\n'
                f'    option httpchk GET {health_path}\n'
                '    http-check expect status 200\n'
                f'{servers}\n')
        self.spawn([binary('haproxy'), '-db', '-f', conf], name)
        wait_port(port)
        return port

    def redis_cluster(self, masters: int = 3, replicas: int = 1,
                      node_timeout_ms: int = 1000) -> list[tuple[Process, int]]:
        """``masters * (1 + replicas)`` redis-server nodes with
        ``cluster-enabled yes`` (and ``appendfsync always``) joined by
        ``redis-cli --cluster create``; returns (process, port) per node."""
        nodes = []
        for i in range(masters * (1 + replicas)):
            bus = free_port()
            nodes.append(self.redis(f'cluster{i}', extra=(
                '--cluster-enabled', 'yes', '--cluster-port', str(bus),
                '--cluster-node-timeout', str(node_timeout_ms),
                '--cluster-replica-validity-factor', '0')))
        addresses = [f'127.0.0.1:{port}' for _, port in nodes]
        with open(self.path('cluster-create.log'), 'ab') as out:
            subprocess.run([binary('redis-cli'), '--cluster', 'create',
                            *addresses, '--cluster-replicas', str(replicas),
                            '--cluster-yes'], stdout=out,
                           stderr=subprocess.STDOUT, check=True, timeout=60)
        wait_cluster_ok([port for _, port in nodes], masters * replicas)
        return nodes

    def close(self) -> None:
        for process in reversed(self.processes):
            process.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def wait_master_changed(sentinel_port: int, master: str, old_port: int,
                        timeout: float = 30.0) -> int:
    """The port of the master the sentinel names once it is not
    ``old_port`` any more."""
    client = redis.Redis(port=sentinel_port, socket_timeout=1)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            _, port = client.sentinel_get_master_addr_by_name(master)
            if int(port) != old_port:
                return int(port)
        except redis.RedisError:
            pass
        time.sleep(0.1)
    raise RuntimeError('the sentinels did not fail over')


def wait_cluster_ok(ports: list[int], replicas: int,
                    timeout: float = 30.0) -> None:
    """Until every node reports ``cluster_state:ok`` and ``replicas``
    replicas are in sync with their masters."""
    deadline = time.monotonic() + timeout
    pending = list(ports)
    while pending and time.monotonic() < deadline:
        client = redis.Redis(port=pending[0], socket_timeout=1)
        try:
            ok = client.cluster('info').get('cluster_state') == 'ok'
            if ok and pending[0] == ports[0]:
                ok = _synced_replicas(ports) >= replicas
        except redis.RedisError:
            ok = False
        finally:
            client.close()
        if ok:
            pending.pop(0)
        else:
            time.sleep(0.1)
    if pending:
        raise RuntimeError('the Redis Cluster did not become ready')


def _synced_replicas(ports: list[int]) -> int:
    synced = 0
    for port in ports:
        client = redis.Redis(port=port, socket_timeout=1)
        try:
            info = client.info('replication')
        finally:
            client.close()
        if (info.get('role') == 'slave'
                and info.get('master_link_status') == 'up'):
            synced += 1
    return synced
