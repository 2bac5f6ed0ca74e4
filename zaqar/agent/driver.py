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

"""The ``zaqar`` oslo.messaging driver: RPC and notifications over queues.

Loaded by oslo.messaging for ``zaqar://`` transport URLs (entry point
``zaqar`` in ``oslo.messaging.drivers``). Queue names come from
``naming``; identity and tuning from ``options``. No eventlet: listeners
are poll-style, run by oslo.messaging's threading executor.
"""

from __future__ import annotations

import datetime
import logging
import math
import threading
import time
import uuid

import oslo_messaging
from oslo_messaging._drivers import base
from oslo_messaging._drivers import common as rpc_common

from zaqar.agent import envelope, errors, http, naming, options
from zaqar.agent.listener import QueueListener
from zaqar.agent.replies import ReplyWaiter

LOG = logging.getLogger(__name__)

# Lifetime of the signed URL a caller gives servers for its reply queue,
# and how long before its expiry a new one is made.
REPLY_GRANT_LIFETIME = datetime.timedelta(days=1)
REPLY_GRANT_RENEW = datetime.timedelta(hours=1)
# After a failed share (signed URLs off, policy), wait before retrying.
REPLY_GRANT_RETRY = 300.0
# Seconds a notifier trusts its list of listener pools.
POOL_CACHE = 2.0


def _utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class ZaqarDriver(base.BaseDriver):
    """oslo.messaging over Zaqar queues (see doc/source/agent.rst)."""

    def __init__(self, conf, url, default_exchange=None,
                 allowed_remote_exmods=None):
        super().__init__(conf, url, default_exchange, allowed_remote_exmods)
        self.options = options.from_url(conf, url)
        self.http = http.Client(self.options.endpoint, self.options.auth,
                                client_id=self.options.client_id,
                                verify=self.options.verify)
        self._lock = threading.Lock()
        self._replies: ReplyWaiter | None = None
        self._own_reply_queue = False
        self._grant: dict | None = None
        self._grant_renew_at: datetime.datetime | None = None
        self._grant_retry_at = 0.0
        self._pools: dict[str, tuple[float, list[str]]] = {}

    def require_features(self, requeue=False):
        """Requeue is supported (re-post, then delete the claimed copy)."""

    def _exchange(self, target) -> str:
        return target.exchange or self._default_exchange or 'openstack'

    # -- RPC client ---------------------------------------------------------

    def _request_queue(self, target) -> str:
        exchange = self._exchange(target)
        if target.fanout:
            return naming.fanout_queue(exchange, target.topic)
        if target.server:
            return naming.server_queue(exchange, target.topic, target.server)
        return naming.topic_queue(exchange, target.topic)

    def _reply_waiter(self) -> ReplyWaiter:
        with self._lock:
            if self._replies is None:
                auth = self.options.auth
                if auth.signed:
                    queue = auth.urlset.reply_queue
                    if not queue:
                        raise errors.NotGranted(
                            'This guest has no reply queue, so it cannot '
                            'make calls (only casts); provision it with '
                            'one.')
                else:
                    queue = naming.reply_queue(uuid.uuid4().hex)
                    self._own_reply_queue = True
                self._replies = ReplyWaiter(self.http, queue,
                                            self.options.long_poll)
            return self._replies

    def _reply_grant(self, queue: str) -> dict | None:
        """A signed URL letting servers post to our reply queue, so guests
        that hold only signed URLs can answer our calls."""
        if self.options.auth.signed:
            return None
        now = _utcnow()
        with self._lock:
            if self._grant and now < self._grant_renew_at:
                return self._grant
            if time.monotonic() < self._grant_retry_at:
                return self._grant
            expires = now + REPLY_GRANT_LIFETIME
            try:
                self._grant = self.http.share(
                    queue, ['messages'], ['POST'],
                    expires.strftime('%Y-%m-%dT%H:%M:%S'), retry=3)
                self._grant_renew_at = expires - REPLY_GRANT_RENEW
            except oslo_messaging.MessagingException as exc:
                LOG.warning('Cannot share reply queue %s (guests holding '
                            'only signed URLs will not be able to answer): '
                            '%s', queue, exc)
                self._grant_retry_at = time.monotonic() + REPLY_GRANT_RETRY
            return self._grant

    def send(self, target, ctxt, message, wait_for_reply=None, timeout=None,
             call_monitor_timeout=None, retry=None, transport_options=None):
        queue = self._request_queue(target)
        deadline = None if timeout is None else time.monotonic() + timeout
        if not wait_for_reply:
            self.http.post(queue, [envelope.request(ctxt, message)],
                           ttl=max(options.MIN_TTL, math.ceil(timeout or 0)),
                           retry=retry, deadline=deadline)
            return None
        waiter = self._reply_waiter()
        msg_id = uuid.uuid4().hex
        reply_to = {'queue': waiter.queue,
                    'grant': self._reply_grant(waiter.queue)}
        body = envelope.request(ctxt, message, msg_id, reply_to, timeout,
                                call_monitor_timeout)
        slot = waiter.expect(msg_id)
        try:
            self.http.post(queue, [body],
                           ttl=max(options.MIN_TTL, math.ceil(timeout or 0)),
                           retry=retry, deadline=deadline)
        except oslo_messaging.MessageDeliveryFailure as exc:
            waiter.forget(msg_id)
            if deadline is not None and time.monotonic() >= deadline - 0.2:
                raise oslo_messaging.MessagingTimeout(str(exc)) from exc
            raise
        except BaseException:
            waiter.forget(msg_id)
            raise
        left = None if deadline is None else max(0.0,
                                                 deadline - time.monotonic())
        reply = waiter.wait(msg_id, slot, left, call_monitor_timeout)
        if reply.get('failure'):
            raise rpc_common.deserialize_remote_exception(
                reply['failure'], self._allowed_remote_exmods)
        return reply.get('result')

    # -- notifications -------------------------------------------------------

    def _pool_queues(self, exchange: str, topic: str) -> list[str]:
        """The queues of the listener pools that announced themselves."""
        now = time.monotonic()
        cached = self._pools.get(topic)
        if cached and now - cached[0] < POOL_CACHE:
            return cached[1]
        registry = naming.pool_registry_queue(exchange, topic)
        names: set[str] = set()
        marker = None
        try:
            while True:
                page, marker = self.http.read(registry, marker, 20, retry=2)
                for message in page:
                    if envelope.kind_of(message.body) == 'pool':
                        names.add(str(message.body.get('pool')))
                if len(page) < 20:
                    break
        except errors.NotGranted:
            names = set()  # a guest notifies the default pool only
        queues = sorted(naming.notification_queue(exchange, topic, p)
                        for p in names)
        self._pools[topic] = (now, queues)
        return queues

    def send_notification(self, target, ctxt, message, version, retry=None):
        exchange = self._exchange(target)
        body = envelope.notification(ctxt, message)
        queues = [naming.notification_queue(exchange, target.topic)]
        queues += self._pool_queues(exchange, target.topic)
        for queue in queues:
            self.http.post(queue, [body], ttl=self.options.notification_ttl,
                           retry=retry)

    # -- servers and listeners -----------------------------------------------

    def listen(self, target, batch_size, batch_timeout):
        exchange = self._exchange(target)
        claim = []
        if target.server:
            claim.append(naming.server_queue(exchange, target.topic,
                                             target.server))
        claim.append(naming.topic_queue(exchange, target.topic))
        listener = QueueListener(
            self, claim, naming.fanout_queue(exchange, target.topic))
        return base.PollStyleListenerAdapter(listener, batch_size,
                                             batch_timeout)

    def listen_for_notifications(self, targets_and_priorities, pool,
                                 batch_size, batch_timeout):
        claim = []
        announce = []
        for target, priority in targets_and_priorities:
            exchange = self._exchange(target)
            topic = f'{target.topic}.{priority}'
            claim.append(naming.notification_queue(exchange, topic, pool))
            if pool:
                announce.append((naming.pool_registry_queue(exchange, topic),
                                 envelope.pool(pool)))
        listener = QueueListener(self, claim, kind='notification',
                                 announce=announce)
        return base.PollStyleListenerAdapter(listener, batch_size,
                                             batch_timeout)

    def cleanup(self):
        with self._lock:
            waiter, self._replies = self._replies, None
        if waiter is None:
            return
        waiter.stop()
        if self._own_reply_queue:
            try:
                self.http.delete_queue(waiter.queue, retry=1)
            except oslo_messaging.MessagingException as exc:
                LOG.debug('Cannot delete reply queue %s: %s',
                          waiter.queue, exc)
