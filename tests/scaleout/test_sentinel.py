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

"""Redis Sentinel failover under load: 503 only in the window, nothing lost.

Real processes on loopback: a master and two replicas (``appendfsync
always``) watched by three redis-sentinel processes (quorum 2), and one
zaqar-server whose store URI names the sentinels and asks every write to
be confirmed by one replica (``wait_replicas=1``). Posters run while the
master is SIGKILLed; the sentinels promote a replica, the driver finds it
by itself, and every acknowledged message is then read back exactly once.
Two replicas, so that the promoted master still has one to confirm writes.
"""

from __future__ import annotations

import time
import unittest
import uuid

import redis

from tests import backends
from tests.functional import server as fserver
from tests.scaleout import load, processes

MASTER = 'zaqar'


def _wait_synced(port: int, replicas: int, timeout: float = 20.0) -> None:
    client = redis.Redis(port=port)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        info = client.info('replication')
        online = [v for k, v in info.items() if k.startswith('slave')
                  and isinstance(v, dict) and v.get('state') == 'online']
        if len(online) >= replicas:
            return
        time.sleep(0.1)
    raise RuntimeError('the replicas did not sync')


def _wait_sentinels_see(ports: list[int], replicas: int,
                        timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    for port in ports:
        client = redis.Redis(port=port)
        while time.monotonic() < deadline:
            known = client.sentinel_slaves(MASTER)
            peers = client.sentinel_sentinels(MASTER)
            if len(known) >= replicas and len(peers) >= len(ports) - 1:
                break
            time.sleep(0.1)
        else:
            raise RuntimeError('the sentinels did not discover each other')


class SentinelFailoverTest(unittest.TestCase):

    def setUp(self):
        super().setUp()
        try:
            processes.binary('redis-server')
            processes.binary('redis-sentinel')
        except processes.ToolMissing as exc:
            backends.unavailable(self, 'redis-sentinel', str(exc))
        self.topology = processes.Topology('zaqar-sentinel-')
        self.addCleanup(self.topology.close)
        self.master, self.master_port = self.topology.redis('master')
        for name in ('replica1', 'replica2'):
            self.topology.redis(name, replica_of=self.master_port)
        _wait_synced(self.master_port, 2)
        self.sentinels = [
            self.topology.sentinel(f'sentinel{i}', MASTER, self.master_port)
            for i in range(3)]
        _wait_sentinels_see(self.sentinels, 2)
        hosts = ','.join(f'127.0.0.1:{p}' for p in self.sentinels)
        uri = (f'redis+sentinel://{hosts}/{MASTER}'
               '?wait_replicas=1&wait_timeout=500')
        self.server = fserver.Server(uri, 'redis', workers=2)
        self.server.start()
        self.addCleanup(self.server.stop)

    def test_master_killed_under_load(self):
        project = 'sentinel-' + uuid.uuid4().hex[:8]
        poster = load.Poster(self.server.url, 'failover', project,
                             threads=4).start()
        try:
            time.sleep(3)
            before = len(poster.acknowledged())
            killed_at = time.monotonic()
            self.master.kill()
            new_port = processes.wait_master_changed(
                self.sentinels[0], MASTER, self.master_port)
            # Writes flow again once the driver reaches the new master.
            deadline = time.monotonic() + 30
            while (poster.ok_after(time.monotonic() - 1) < 20
                   and time.monotonic() < deadline):
                time.sleep(0.2)
            time.sleep(2)
        finally:
            poster.stop()

        statuses = poster.statuses()
        self.assertGreater(before, 50, statuses)
        self.assertNotEqual(new_port, self.master_port)
        # Only acknowledgements and 503s: no 500, no dropped connection.
        self.assertEqual(set(), set(statuses) - {201, 503}, statuses)
        recovered = poster.ok_after(killed_at + poster.failure_window())
        self.assertGreater(recovered, 20, statuses)
        window = poster.failure_window()
        outage = poster.longest_gap()
        self.assertLess(outage, 20.0, statuses)

        acknowledged = poster.acknowledged()
        stored = load.stored_bodies(self.server.url, 'failover', project)
        self.assertEqual(len(stored), len(set(stored)), 'duplicates')
        lost = acknowledged - set(stored)
        self.assertEqual(set(), lost,
                         f'{len(lost)} acknowledged messages lost')
        print(f'sentinel failover: {len(acknowledged)} acknowledged, '
              f'{statuses[503]} answered 503 over {window:.1f} s, '
              f'no write acknowledged for {outage:.1f} s, 0 lost')
