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

"""Long-polling wake-ups over Redis pub/sub.

One channel per Redis database (pub/sub ignores databases, so the number is
in the name): ``notify`` PUBLISHes ``project NUL queue`` on it after a
post; each API process holds one subscribed connection, read by one
thread, that fires the waiters of its in-process hub. The subscription is
made once and kept, so a waiter costs no Redis command at all; when the
connection drops, every local waiter is woken (signals may have been lost)
and the thread subscribes again. Every process receives every queue's
signals: one small message per post and process, which is what lets a
waiter start without a round trip.

On a Redis Cluster a PUBLISH reaches the subscribers of every node (the
cluster bus carries it), so ``ClusterSignals`` publishes and listens on
the master of the channel's hash slot; when that node fails, the slot map
is learnt again and both sides move to the new master.
"""

from __future__ import annotations

import logging

from redis import exceptions as redis_errors

from zaqar.storage import signals as shared

LOG = logging.getLogger(__name__)

# Seconds a first waiter waits for the subscription before giving up (503).
READY_TIMEOUT = 3.0
# Seconds each read blocks on the socket (then the loop checks for close).
READ_TIMEOUT = 5.0
# Longest pause between two attempts to subscribe again: short, so that
# waiters blocked on the subscription (at most READY_TIMEOUT) are served
# soon after a failover; an attempt on a refused port costs next to nothing.
MAX_PAUSE = 0.5


class RedisSignals(shared.ChannelSignals):
    """Signals through one Redis pub/sub channel."""

    ready_timeout = READY_TIMEOUT

    def __init__(self, client, db: int):
        super().__init__('redis')
        self.client = client
        self.channel = f'zaqar:signals:{db}'

    def _server(self):
        """The client of the server the channel is on."""
        return self.client

    def _lost(self) -> None:
        """The channel's server failed a call: find it again."""

    def _publish(self, batch) -> None:
        # A second attempt after a failure: on a cluster the first may
        # have gone to a master that just failed over.
        for attempt in (1, 2):
            try:
                pipe = self._server().pipeline(transaction=False)
                for project, queue in batch:
                    pipe.publish(self.channel, shared.encode(project, queue))
                pipe.execute()
                return
            except redis_errors.RedisError as exc:
                self._lost()
                if attempt == 2:
                    LOG.warning('%d signals not published: %s', len(batch),
                                exc)

    def _run(self) -> None:
        pause = 0.05
        failing = False
        while not self._closed.is_set():
            pubsub = None
            try:
                pubsub = self._server().pubsub()
                pubsub.subscribe(self.channel)
                while not self._closed.is_set():
                    message = pubsub.get_message(timeout=READ_TIMEOUT)
                    if message is None:
                        continue
                    if message['type'] == 'subscribe':
                        self._ready.set()
                        pause = 0.05
                        if failing:
                            LOG.info('Redis signal channel subscribed '
                                     'again')
                            failing = False
                    elif message['type'] == 'message':
                        key = shared.decode(message['data'])
                        if key is not None:
                            self.hub.fire(*key)
            except Exception as exc:  # noqa: BLE001 - reconnect on anything
                if not self._closed.is_set():
                    # Said once per outage, not at every attempt.
                    (LOG.debug if failing else LOG.warning)(
                        'Redis signal channel lost (%s); subscribing again',
                        exc)
                    failing = True
                    self._lost()
            finally:
                self._ready.clear()
                try:
                    if pubsub is not None:
                        pubsub.close()
                except Exception:  # noqa: BLE001 - best effort
                    LOG.debug('Closing the signal channel failed',
                              exc_info=True)
            # Signals may have been missed: every waiter looks again.
            self.hub.fire_all()
            self._closed.wait(pause)
            pause = min(pause * 2, MAX_PAUSE)


class ClusterSignals(RedisSignals):
    """Signals on a Redis Cluster, through the master of the channel's
    slot (database 0: a cluster has no other)."""

    def __init__(self, wire):
        super().__init__(None, 0)
        self.wire = wire

    def _server(self):
        client = self.wire.client
        node = client.nodes_manager.get_node_from_slot(
            client.keyslot(self.channel))
        return client.get_redis_connection(node)

    def _lost(self) -> None:
        self.wire.disconnect()
