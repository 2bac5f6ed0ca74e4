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

"""Push through the notification pipeline: a connection's subscription is stored, pushed to us.

A connection that subscribes gets a stored subscription like any other,
whose subscriber is this server's push listener,
``zaqar-push://<notification_bind>:<notification_port>/push/<token>``
(the ``zaqar-push`` scheme, zaqar.notification.tasks.push). The notifier
(in any API process or a ``zaqar-notifier``) delivers every message posted
to the queue there as a signed webhook to ``http://`` the same host, port
and path; the scheme needs no confirmation. The listener checks
the signature with the subscription's secret, drops repeated deliveries by
their ``X-Zaqar-Delivery`` id, and hands the message to the socket. When
the socket closes the subscription is deleted; while it lives its ttl is
renewed, so a crashed server's subscriptions expire on their own.

The listener answers 404 for a token it does not know (the notifier gives
up on that delivery at once) and 503 while a subscription is being set up
(the notifier retries).

This server creates its subscriptions with ``zaqar-push`` added to the
``[transport] subscriber_types`` it validates them with (``_own_service``),
so operators need not list the scheme; clients may use it only where they
list it. The destination checks apply to the http URL as to any webhook.
"""

from __future__ import annotations

import asyncio
import collections
import copy
import http.server
import json
import logging
import secrets
import socket
import threading
import time

from zaqar.api import actions
from zaqar.api.payload import Payload
from zaqar.common import errors
from zaqar.notification.tasks import push as push_scheme
from zaqar.transport.websocket.push import PushSource, PushTarget

LOG = logging.getLogger(__name__)

PREFIX = push_scheme.PATH
# Seconds a webhook's timestamp may be off (replayed or skewed requests).
MAX_CLOCK_SKEW = 300
# Delivery ids remembered per subscription to drop repeats.
_SEEN = 1024
# Seconds between two looks for subscriptions whose ttl needs renewing.
_RENEW_CHECK = 10.0
# The Message_Type of a message delivery (not a confirmation request).
_NOTIFICATION = 'Notification'


class _Route:
    """One connection subscription, as the listener knows it."""

    def __init__(self, ctx, queue: str, target: PushTarget, ttl: int,
                 url: str):
        self.ctx = ctx
        self.queue = queue
        self.target = target
        self.ttl = ttl
        self.url = url
        self.secret: str | None = None
        self.sub_id: str | None = None
        self.renew_at = time.monotonic() + ttl / 2
        self.seen: collections.OrderedDict = collections.OrderedDict()
        self.lock = threading.Lock()

    def first_time(self, delivery_id: str | None) -> bool:
        if not delivery_id:
            return True
        with self.lock:
            if delivery_id in self.seen:
                return False
            self.seen[delivery_id] = None
            if len(self.seen) > _SEEN:
                self.seen.popitem(last=False)
            return True


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'zaqar-push'

    def do_POST(self):
        try:
            length = int(self.headers.get('Content-Length') or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= self.server.max_body:
            self._answer(413)
            self.close_connection = True
            return
        body = self.rfile.read(length)
        self._answer(self.server.source.receive(self.path, self.headers,
                                                body))

    def _answer(self, status: int) -> None:
        self.send_response(status)
        self.send_header('Content-Length', '0')
        self.end_headers()

    def log_message(self, format, *args):
        LOG.debug('push listener: ' + format, *args)


class _HTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, source: PipelinePushSource,
                 max_body: int):
        if ':' in address[0]:
            self.address_family = socket.AF_INET6
        self.source = source
        self.max_body = max_body
        super().__init__(address, _Handler)


def _advertised(host: str) -> str:
    """The host notifiers reach for a listener bound to ``host``."""
    # Compared, not bound.
    if host in ('', '0.0.0.0', '::'):  # nosec B104
        return socket.getfqdn()
    return f'[{host}]' if ':' in host else host


def _own_service(svc):
    """``svc`` as the listener's own requests see it: ``zaqar-push`` is
    a subscriber type even when ``[transport] subscriber_types`` lacks it
    (client requests keep the operator's list)."""
    if push_scheme.NAME in svc.limits.subscriber_types:
        return svc
    limits = copy.copy(svc.limits)
    limits.subscriber_types = [*svc.limits.subscriber_types,
                               push_scheme.NAME]
    own = copy.copy(svc)
    own.limits = limits
    return own


class PipelinePushSource(PushSource):
    """Connection subscriptions stored and fed by the notification pipeline."""

    stored = True

    def __init__(self, svc, executor, host: str, port: int = 0,
                 max_body: int = 1024 * 1024):
        self.svc = svc
        self._own_svc = None
        self.executor = executor
        self.host = host
        self.port = port
        self.max_body = max_body
        self._routes: dict[str, _Route] = {}
        self._by_id: dict[str, str] = {}
        self._server: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._renewer: asyncio.Task | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.base_url = ''

    async def _call(self, ctx, action: str, **params):
        if self._own_svc is None:
            self._own_svc = _own_service(self.svc)
        return await asyncio.get_running_loop().run_in_executor(
            self.executor, lambda: actions.dispatch(self._own_svc, ctx,
                                                    action, **params))

    # -- PushSource -------------------------------------------------------

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._server = _HTTPServer((self.host, self.port), self,
                                   self.max_body)
        port = self._server.server_address[1]
        self.base_url = push_scheme.listener_uri(_advertised(self.host),
                                                  port)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        name='zaqar-ws-push', daemon=True)
        self._thread.start()
        self._renewer = asyncio.create_task(self._renew())
        LOG.info('Push listener for the notification pipeline on %s',
                 self.base_url)

    async def stop(self) -> None:
        if self._renewer is not None:
            self._renewer.cancel()
            try:
                await self._renewer
            except asyncio.CancelledError:
                pass
        if self._server is not None:
            await asyncio.get_running_loop().run_in_executor(
                None, self._server.shutdown)
            self._server.server_close()
            self._server = None

    def subscriber(self, subscription_id: str) -> str:
        token = self._by_id.get(subscription_id)
        return self.base_url + token if token else ''

    async def subscribe(self, ctx, queue: str, target: PushTarget, ttl: int,
                        options: dict) -> str:
        token = secrets.token_urlsafe(18)
        route = _Route(ctx, queue, target, ttl, self.base_url + token)
        self._routes[token] = route
        # The scheme ignores webhook formatting options; nothing to confirm.
        document = {'subscriber': route.url, 'ttl': ttl, 'options': options}
        try:
            created = await self._call(ctx, 'subscription_create',
                                       queue_name=queue,
                                       payload=Payload.from_document(document))
        except BaseException:
            self._routes.pop(token, None)
            raise
        route.secret = created.secret
        route.sub_id = created.subscription_id
        self._by_id[created.subscription_id] = token
        return created.subscription_id

    async def unsubscribe(self, ctx, queue: str, subscription_id: str,
                          target: PushTarget) -> None:
        token = self._by_id.pop(subscription_id, None)
        if token is None:
            return
        self._routes.pop(token, None)
        await self._call(ctx, 'subscription_delete', queue_name=queue,
                         subscription_id=subscription_id)

    # -- the listener (its own threads) -------------------------------------

    def receive(self, path: str, headers, body: bytes) -> int:
        """Status for one webhook delivery; pushes it when it is valid."""
        from zaqar.notification.tasks import webhook
        if not path.startswith(PREFIX):
            return 404
        route = self._routes.get(path[len(PREFIX):])
        if route is None:
            return 404
        if route.secret is None:
            return 503
        stamp = headers.get(webhook.TIMESTAMP) or ''
        signature = headers.get(webhook.SIGNATURE) or ''
        try:
            fresh = abs(time.time() - int(stamp)) <= MAX_CLOCK_SKEW
        except ValueError:
            fresh = False
        if not (fresh and webhook.verify(route.secret, stamp, body,
                                         signature)):
            return 401
        try:
            document = json.loads(body)
        except ValueError:
            return 400
        if not isinstance(document, dict):
            return 400
        # Every delivery carries a Message_Type (the reference's marking);
        # only a notification is a message (zaqar-push is not confirmable,
        # so nothing else is expected).
        if document.pop('Message_Type', _NOTIFICATION) != _NOTIFICATION:
            return 204
        if route.first_time(headers.get(webhook.DELIVERY)):
            try:
                self._loop.call_soon_threadsafe(route.target.deliver,
                                                route.queue, [document])
            except RuntimeError:
                return 503  # shutting down: the notifier retries
        return 204

    # -- keeping subscriptions alive ------------------------------------------

    async def _renew(self) -> None:
        while True:
            await asyncio.sleep(_RENEW_CHECK)
            now = time.monotonic()
            for route in [r for r in self._routes.values()
                          if r.sub_id and r.renew_at <= now]:
                route.renew_at = now + route.ttl / 2
                try:
                    await self._call(
                        route.ctx, 'subscription_update',
                        queue_name=route.queue, subscription_id=route.sub_id,
                        payload=Payload.from_document({'ttl': route.ttl}))
                except errors.NotFound:
                    LOG.info('Push subscription %s was deleted elsewhere',
                             route.sub_id)
                except Exception:
                    LOG.warning('Push subscription %s could not be renewed',
                                route.sub_id, exc_info=True)
