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

"""Subscriptions over WebSocket; without ``subscriber``, push to this socket.

``subscription_create`` without a ``subscriber`` subscribes the connection
itself: the subscription lasts as long as the socket (or until
``subscription_delete``), and new messages reach it through the server's
PushSource, in the framing (JSON text or MessagePack binary) of the
request that subscribed. Both kinds go through ``actions.dispatch``:
stored ones as ``subscription_*``, the connection's own as
``connection_subscription_*`` (``zaqar.api.connection_subscriptions``).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import logging
import time

from websockets.exceptions import ConnectionClosed

from zaqar.api import actions
from zaqar.api.payload import Payload
from zaqar.transport.websocket import codec, handlers, render
from zaqar.transport.websocket.push import PushSource

LOG = logging.getLogger(__name__)

# Close code for a client that does not read its pushed frames.
TRY_AGAIN_LATER = 1013


@dataclasses.dataclass(eq=False)
class Subscription:
    """One push subscription of a connection; the PushSource's target."""

    ctx: object
    queue: str
    binary: bool
    ttl: int
    options: dict
    owner: ConnectionSubscriptions
    id: str = ''
    created: float = dataclasses.field(default_factory=time.monotonic)

    @property
    def project(self) -> str:
        return self.ctx.project_id

    def deliver(self, queue_name: str, messages: list[dict]) -> None:
        self.owner.enqueue(self.binary, messages)

    def document(self) -> dict:
        """As subscription_get/list show it."""
        return {'id': self.id, 'source': self.queue,
                'subscriber': self.owner.source.subscriber(self.id),
                'ttl': self.ttl, 'age': int(time.monotonic() - self.created),
                'options': self.options, 'confirmed': True}


class ConnectionSubscriptions:
    """The push subscriptions of one socket and its outgoing push frames."""

    def __init__(self, ws, source: PushSource, backlog: int,
                 connection_id: str):
        self.ws = ws
        self.source = source
        self.connection_id = connection_id
        self._subs: dict[str, Subscription] = {}
        self._outbox: asyncio.Queue = asyncio.Queue(maxsize=backlog)
        self._writer: asyncio.Task | None = None
        self._closing = False

    def __bool__(self) -> bool:
        return bool(self._subs)

    def count(self) -> int:
        return len(self._subs)

    async def add(self, ctx, queue: str, binary: bool, ttl: int,
                  options: dict) -> Subscription:
        sub = Subscription(ctx, queue, binary, ttl, options, self)
        if self._writer is None:
            self._writer = asyncio.create_task(self._write())
        sub.id = await self.source.subscribe(ctx, queue, sub, ttl, options)
        self._subs[sub.id] = sub
        return sub

    def get(self, project: str, queue: str, sub_id: str
            ) -> Subscription | None:
        sub = self._subs.get(sub_id)
        if sub is None or sub.project != project or sub.queue != queue:
            return None
        return sub

    def listed(self, project: str, queue: str) -> list[Subscription]:
        return sorted((s for s in self._subs.values()
                       if s.project == project and s.queue == queue),
                      key=lambda s: s.id)

    async def remove(self, sub: Subscription) -> None:
        self._subs.pop(sub.id, None)
        await self.source.unsubscribe(sub.ctx, sub.queue, sub.id, sub)

    def enqueue(self, binary: bool, messages: list[dict]) -> None:
        """Queue frames for the writer; close a client that fell behind."""
        if self._closing:
            return
        for doc in messages:
            try:
                self._outbox.put_nowait((binary, doc))
            except asyncio.QueueFull:
                LOG.warning('Connection %s does not read its pushed '
                            'messages; closing it', self.connection_id)
                self._closing = True
                asyncio.create_task(self.ws.close(
                    TRY_AGAIN_LATER, 'Push backlog exceeded.'))
                return

    async def _write(self) -> None:
        try:
            while True:
                binary, doc = await self._outbox.get()
                await self.ws.send(codec.encode(doc, binary))
        except ConnectionClosed:
            pass
        except Exception:
            LOG.exception('Push writer of connection %s failed',
                          self.connection_id)
            await self.ws.close(1011, 'Push failed.')

    async def close(self) -> None:
        """Unsubscribe everything and stop the writer."""
        self._closing = True
        for sub in list(self._subs.values()):
            try:
                await self.remove(sub)
            except Exception:
                LOG.warning('Subscription %s of a closed connection could '
                            'not be removed; it expires with its ttl',
                            sub.id, exc_info=True)
        if self._writer is not None:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer
            self._writer = None


# -- The subscription actions ------------------------------------------------

class _Holder:
    """A connection's subscriptions as ``zaqar.api`` operations see them.

    The operations run in the server's thread pool; adding and removing
    push targets happens on the event loop, so those calls hop over.
    """

    def __init__(self, subs: ConnectionSubscriptions, binary: bool,
                 loop: asyncio.AbstractEventLoop):
        self.subs = subs
        self.binary = binary
        self.loop = loop

    def _on_loop(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def count(self) -> int:
        return self.subs.count()

    def subscribe(self, ctx, queue: str, ttl: int, options: dict) -> str:
        return self._on_loop(
            self.subs.add(ctx, queue, self.binary, ttl, options)).id

    def find(self, project: str, queue: str, subscription_id: str):
        sub = self.subs.get(project, queue, subscription_id)
        return None if sub is None else sub.document()

    def listed(self, project: str, queue: str) -> list[dict]:
        return [s.document() for s in self.subs.listed(project, queue)]

    def unsubscribe(self, project: str, queue: str,
                    subscription_id: str) -> bool:
        sub = self.subs.get(project, queue, subscription_id)
        if sub is None:
            return False
        self._on_loop(self.subs.remove(sub))
        return True

    def subscriber(self, subscription_id: str) -> str:
        return self.subs.source.subscriber(subscription_id)


def _int(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _fields(body: dict, *names: str) -> Payload:
    return Payload.from_document({k: _int(body[k]) for k in names
                                  if k in body})


def stored_document(sub, state) -> dict:
    """A stored subscription as subscription_get/list show it."""
    doc = {'id': sub.id, 'source': sub.source, 'subscriber': sub.subscriber,
           'ttl': sub.ttl, 'age': sub.age, 'options': sub.options,
           'confirmed': sub.confirmed}
    if state is not None:
        # The owner sees failed deliveries, as over HTTP.
        doc['deliveries'] = {
            'failed': state.failed, 'last_error': state.last_error,
            'last_failure_at': (render.iso(state.last_failure_at)
                                if state.last_failure_at else None)}
    return doc


def _call(conn, ctx, action: str, **params):
    """Dispatch ``action`` in the server's thread pool."""
    return conn.in_thread(actions.dispatch, conn.server.svc, ctx, action,
                          **params)


def _call_hopping(conn, ctx, action: str, **params):
    """Dispatch an action whose holder waits on the event loop.

    It runs outside the server's pool: the push source's own storage
    calls need that pool while this thread waits for them, and a full
    pool of waiting threads would never get them.
    """
    return asyncio.get_running_loop().run_in_executor(
        None, functools.partial(actions.dispatch, conn.server.svc, ctx,
                                action, **params))


def _holder(conn, binary: bool) -> _Holder:
    return _Holder(conn.subs, binary, asyncio.get_running_loop())


def _local(conn) -> bool:
    """Whether connection subscriptions live only in this process."""
    return not conn.subs.source.stored


@handlers.handler('subscription_create', needs_connection=True)
async def subscription_create(conn, ctx, body: dict, binary: bool):
    queue = body['queue_name']
    if 'subscriber' in body:
        created = await _call(
            conn, ctx, 'subscription_create', queue_name=queue,
            payload=_fields(body, 'subscriber', 'ttl', 'options'))
    else:
        created = await _call_hopping(
            conn, ctx, 'connection_subscription_create', queue_name=queue,
            payload=_fields(body, 'ttl', 'options'),
            connection=_holder(conn, binary))
    result = {'subscription_id': created.subscription_id,
              'message': f'Subscription {queue} created.'}
    if created.secret:
        result['secret'] = created.secret
    return 201, result


@handlers.handler('subscription_list', needs_connection=True)
async def subscription_list(conn, ctx, body: dict, binary: bool):
    queue = body['queue_name']
    limit = _int(body.get('limit', 10))
    marker = body.get('marker')
    stored, _ = await _call(conn, ctx, 'subscription_list', queue_name=queue,
                            marker=marker, limit=limit)
    docs = [stored_document(s, None) for s in stored]
    if _local(conn):
        local = await _call(conn, ctx, 'connection_subscription_list',
                            queue_name=queue,
                            connection=_holder(conn, binary))
        docs += [d for d in local if marker is None or d['id'] > marker]
        docs = sorted(docs, key=lambda d: d['id'])[:limit]
    return 200, {'subscriptions': docs}


@handlers.handler('subscription_get', needs_connection=True)
async def subscription_get(conn, ctx, body: dict, binary: bool):
    queue = body['queue_name']
    sub_id = body['subscription_id']
    if _local(conn) and conn.subs.get(ctx.project_id, queue, sub_id):
        return 200, await _call(conn, ctx, 'connection_subscription_get',
                                queue_name=queue, subscription_id=sub_id,
                                connection=_holder(conn, binary))
    stored, state = await _call(conn, ctx, 'subscription_get',
                                queue_name=queue, subscription_id=sub_id)
    return 200, stored_document(stored, state)


@handlers.handler('subscription_delete', needs_connection=True)
async def subscription_delete(conn, ctx, body: dict, binary: bool):
    queue = body['queue_name']
    sub_id = body['subscription_id']
    held = await _call_hopping(
        conn, ctx, 'connection_subscription_delete', queue_name=queue,
        subscription_id=sub_id, connection=_holder(conn, binary))
    if not held:
        await _call(conn, ctx, 'subscription_delete', queue_name=queue,
                    subscription_id=sub_id)
    return 204, f'Subscription {sub_id} removed.'
