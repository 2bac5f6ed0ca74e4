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

"""Redis Cluster failover: nothing acknowledged is lost, long polling
goes on.

A private 6-node cluster (3 masters, 3 replicas, ``appendfsync always``,
node timeout 1 s) and one zaqar-server whose store URI is
``redis+cluster://...?wait_replicas=1``: every write is confirmed by the
master's replica in the same round trip. Posters run while the master of
the posting project's slot is SIGKILLed; its replica takes the slot over,
the driver learns the new slot map by itself, and every acknowledged
message is then read back exactly once.

The killed node is restarted once its replica was promoted (as a service
manager would): it rejoins as the new master's replica, so that writes
can be confirmed by a replica again (``wait_replicas=1`` refuses to
acknowledge what only one copy holds).
"""

from __future__ import annotations

import threading
import time
import unittest
import uuid

import redis
from redis import cluster as redis_cluster

from tests import backends, hosts
from tests.functional import server as fserver
from tests.scaleout import load, processes
from zaqar.storage import loader


def _owner_port(ports: list[int], key: str) -> int:
    client = redis_cluster.RedisCluster(host='127.0.0.1', port=ports[0])
    try:
        return int(client.get_node_from_key(key).port)
    finally:
        client.close()


def _wait_promoted(port: int, old_master: int,
                   timeout: float = 30.0) -> None:
    """Until ``port`` (a surviving node) names another master for the slots
    that ``old_master`` served and the cluster is ok again."""
    client = redis.Redis(port=port, socket_timeout=1)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            slots = client.cluster('slots')
            owners = {int(entry[2][1]) for entry in slots}
            state = client.cluster('info').get('cluster_state')
            if old_master not in owners and state == 'ok':
                return
        except redis.RedisError:
            pass
        time.sleep(0.1)
    raise RuntimeError('the cluster did not fail over')


class _PrivateCluster(unittest.TestCase):
    """A 6-node cluster of the test's own (``nodes``, ``ports``, ``uri``)."""

    prefix = 'zaqar-cluster-'

    def setUp(self):
        super().setUp()
        try:
            processes.binary('redis-server')
            processes.binary('redis-cli')
        except processes.ToolMissing as exc:
            backends.unavailable(self, 'redis-cluster', str(exc))
        self.topology = processes.Topology(self.prefix)
        self.addCleanup(self.topology.close)
        self.nodes = self.topology.redis_cluster()
        self.ports = [port for _, port in self.nodes]
        self.uri = 'redis+cluster://' + ','.join(
            f'127.0.0.1:{p}' for p in self.ports[:3])


class ClusterFailoverTest(_PrivateCluster):

    prefix = 'zaqar-cluster-failover-'

    def setUp(self):
        super().setUp()
        uri = self.uri + '?wait_replicas=1&wait_timeout=500'
        self.server = fserver.Server(uri, 'redis', workers=2)
        self.server.start()
        self.addCleanup(self.server.stop)

    def test_master_killed_under_load(self):
        project = 'cluster-' + uuid.uuid4().hex[:8]
        owner = _owner_port(self.ports, f'zq:{{#{project}}}:queues')
        victim = next(p for p, port in self.nodes if port == owner)
        survivor = next(port for port in self.ports if port != owner)
        poster = load.Poster(self.server.url, 'failover', project,
                             threads=4).start()
        try:
            time.sleep(3)
            before = len(poster.acknowledged())
            killed_at = time.monotonic()
            victim.kill()
            _wait_promoted(survivor, owner)
            promoted_after = time.monotonic() - killed_at
            victim.start()  # rejoins as the new master's replica
            deadline = time.monotonic() + 30
            while (poster.ok_after(time.monotonic() - 1) < 20
                   and time.monotonic() < deadline):
                time.sleep(0.2)
            time.sleep(2)
        finally:
            poster.stop()

        statuses = poster.statuses()
        self.assertGreater(before, 50, statuses)
        self.assertEqual(set(), set(statuses) - {201, 503}, statuses)
        recovered = poster.ok_after(killed_at + poster.failure_window())
        self.assertGreater(recovered, 20, statuses)
        outage = poster.longest_gap()
        self.assertLess(outage, 20.0, statuses)

        acknowledged = poster.acknowledged()
        stored = load.stored_bodies(self.server.url, 'failover', project)
        self.assertEqual(len(stored), len(set(stored)), 'duplicates')
        lost = acknowledged - set(stored)
        self.assertEqual(set(), lost,
                         f'{len(lost)} acknowledged messages lost')
        print(f'cluster failover: {len(acknowledged)} acknowledged, '
              f'{statuses[503]} answered 503 over '
              f'{poster.failure_window():.1f} s, replica promoted after '
              f'{promoted_after:.1f} s, no write acknowledged for '
              f'{outage:.1f} s, 0 lost')


class ClusterSignalsFailoverTest(_PrivateCluster):
    """Long-polling signals ride the cluster's pub/sub on the master of the
    channel's slot: when that master fails, listeners and publishers move
    to the promoted replica and a waiter on one host is still woken by a
    post made on another."""

    prefix = 'zaqar-cluster-signals-'
    WAKE_BOUND = 3.0

    def setUp(self):
        super().setUp()
        self.project = 'signals-' + uuid.uuid4().hex[:8]
        self.waiting = self._driver()
        with hosts.another_host(self):
            self.posting = self._driver()

    def _driver(self):
        driver = loader.load_data_driver('redis', self.uri, {})
        self.addCleanup(driver.close)
        return driver

    def _post(self, queue: str) -> None:
        self.posting.message_controller.post(
            queue, [{'body': 'x', 'ttl': 300, 'delay': 0}],
            project=self.project, client_uuid=str(uuid.uuid4()))
        self.posting.signals.notify(queue, project=self.project)

    def _round(self, queue: str) -> float:
        """Seconds from a post on the other host to a waiter here seeing
        it, waiting as the API does (subscribe, look, wait, and again
        after a wake that found nothing: a listener that lost its channel
        wakes everyone to look again)."""
        self.waiting.queue_controller.create(queue, project=self.project)
        posted: list[float] = []

        def post():
            self._post(queue)
            posted.append(time.monotonic())
        poster = threading.Timer(0.5, post)
        poster.start()
        self.addCleanup(poster.join)
        deadline = time.monotonic() + self.WAKE_BOUND + 10
        while time.monotonic() < deadline:
            with self.waiting.signals.subscribe(
                    queue, project=self.project) as waiter:
                if self.waiting.message_controller.list(
                        queue, project=self.project)[0]:
                    return time.monotonic() - posted[0]
                waiter.wait(deadline - time.monotonic())
        self.fail('the post was never seen')

    def test_waiters_are_woken_after_the_channel_master_fails_over(self):
        self.assertLess(self._round('before'), self.WAKE_BOUND)

        owner = _owner_port(self.ports, self.waiting.signals.channel)
        victim = next(p for p, port in self.nodes if port == owner)
        survivor = next(port for port in self.ports if port != owner)
        victim.kill()
        _wait_promoted(survivor, owner)

        took = self._round('after')
        self.assertLess(took, self.WAKE_BOUND)
        print(f'cluster signals: a post seen {took * 1000:.0f} ms after it '
              f'was made, once the channel master ({owner}) failed over')
