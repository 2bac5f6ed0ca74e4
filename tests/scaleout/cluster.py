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

"""A real 6-node Redis Cluster (3 masters, 3 replicas) per test process.

The first test that needs it starts it (processes.Topology.redis_cluster);
it is stopped by pid when the process exits. Tests share it the way the
contract suite shares a Redis server: each works in its own projects, and
a project's keys all share one hash slot (keys.ClusterLayout).
"""

from __future__ import annotations

import atexit
import threading

from tests import backends
from tests.scaleout import processes

_lock = threading.Lock()
_topology: processes.Topology | None = None
_ports: list[int] = []
_error: str | None = None


def ports() -> list[int]:
    """The nodes' ports, starting the cluster on first use.

    Raises ``processes.ToolMissing`` or ``RuntimeError`` (remembered, so
    that every test fails the same way without retrying the start).
    """
    global _topology, _error
    with _lock:
        if _error is not None:
            raise RuntimeError(_error)
        if _topology is None:
            topology = processes.Topology('zaqar-cluster-')
            try:
                nodes = topology.redis_cluster()
            except processes.ToolMissing:
                topology.close()
                raise
            except Exception as exc:
                topology.close()
                _error = f'the Redis Cluster did not start: {exc}'
                raise
            _topology = topology
            _ports.extend(port for _, port in nodes)
            atexit.register(topology.close)
        return list(_ports)


def uri(**query: str) -> str:
    hosts = ','.join(f'127.0.0.1:{p}' for p in ports()[:3])
    params = '&'.join(f'{k}={v}' for k, v in query.items())
    return f'redis+cluster://{hosts}' + (f'?{params}' if params else '')


class ClusterBackend(backends.Backend):
    """The contract suite's view of the shared cluster."""

    name = 'redis_cluster'
    driver = 'redis'

    def setup(self):
        try:
            return uri(), {}
        except processes.ToolMissing as exc:
            backends.unavailable(self.testcase, self.name, str(exc))


class ClusterManagementBackend(ClusterBackend):
    """The same cluster as a management store, in a namespace of its own
    per test class (the store's keys are not per project)."""

    name = 'redis_cluster_management'

    def setup(self):
        import uuid
        store_uri, options = super().setup()
        return store_uri, {**options, 'namespace': 'zt-' + uuid.uuid4().hex}
