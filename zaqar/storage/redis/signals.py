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
"""

from __future__ import annotations

import logging
import os
import threading

from redis import exceptions as redis_errors

from zaqar.storage import base, errors
from zaqar.storage import signals as shared

LOG = logging.getLogger(__name__)

# Seconds a first waiter waits for the subscription before giving up (503).
READY_TIMEOUT = 3.0
# Seconds each read blocks on the socket (then the loop checks for close).
READ_TIMEOUT = 5.0


class RedisSignals(base.Signals):
    """Signals through one Redis pub/sub channel."""

    def __init__(self, client, db: int):
        self.client = client
        self.channel = f'zaqar:signals:{db}'
        self.hub = shared.Hub()
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._closed = threading.Event()
        self._owner = 0
        self.publisher = shared.Publisher(self._publish,
                                          'zaqar-signals-redis-out')

    def subscribe(self, queue: str, *, project: str,
                  waiter: base.Waiter | None = None) -> base.Waiter:
        self._listen()
        waiter = self.hub.add(project, queue, waiter)
        if not self._ready.wait(READY_TIMEOUT):
            waiter.close()
            raise errors.StorageUnavailable(
                'Redis pub/sub is not available for waiting')
        return waiter

    def notify(self, queue: str, *, project: str) -> None:
        self.hub.fire(project, queue)
        self.publisher.add(project, queue)

    def _publish(self, batch) -> None:
        try:
            pipe = self.client.pipeline(transaction=False)
            for project, queue in batch:
                pipe.publish(self.channel, shared.encode(project, queue))
            pipe.execute()
        except redis_errors.RedisError as exc:
            LOG.warning('%d signals not published: %s', len(batch), exc)

    def _listen(self) -> None:
        if self._owner == os.getpid():
            return
        with self._lock:
            if self._owner == os.getpid():
                return
            self._owner = os.getpid()
            self._ready.clear()
            threading.Thread(target=self._run, name='zaqar-signals-redis',
                             daemon=True).start()

    def _run(self) -> None:
        pause = 0.1
        while not self._closed.is_set():
            pubsub = self.client.pubsub()
            try:
                pubsub.subscribe(self.channel)
                while not self._closed.is_set():
                    message = pubsub.get_message(timeout=READ_TIMEOUT)
                    if message is None:
                        continue
                    if message['type'] == 'subscribe':
                        self._ready.set()
                        pause = 0.1
                    elif message['type'] == 'message':
                        key = shared.decode(message['data'])
                        if key is not None:
                            self.hub.fire(*key)
            except Exception as exc:  # noqa: BLE001 - reconnect on anything
                if not self._closed.is_set():
                    LOG.warning('Redis signal channel lost (%s); '
                                'subscribing again', exc)
            finally:
                self._ready.clear()
                try:
                    pubsub.close()
                except Exception:  # noqa: BLE001 - best effort
                    LOG.debug('Closing the signal channel failed',
                              exc_info=True)
            # Signals may have been missed: every waiter looks again.
            self.hub.fire_all()
            self._closed.wait(pause)
            pause = min(pause * 2, 2.0)

    def close(self) -> None:
        self._closed.set()
        self.publisher.close()
        self.hub.fire_all()
