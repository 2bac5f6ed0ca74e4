"""Subscriptions of one connection: push frames to its own socket.

``subscription_create`` without a ``subscriber`` subscribes the connection
itself. Such a subscription lives as long as the socket (or until
``subscription_delete``); it is held here, not in storage, and new
messages reach it through the server's PushSource. Pushed frames use the
framing (JSON text or MessagePack binary) of the request that subscribed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
import uuid

from websockets.exceptions import ConnectionClosed

from zaqar.api import validation
from zaqar.common import errors
from zaqar.storage import errors as storage_errors
from zaqar.transport.websocket import codec
from zaqar.transport.websocket.push import PushSource

LOG = logging.getLogger(__name__)

# Close code for a client that does not read its pushed frames.
TRY_AGAIN_LATER = 1013


@dataclasses.dataclass(eq=False)
class Subscription:
    """One push subscription of a connection; the PushSource's target."""

    id: str
    project: str
    queue: str
    binary: bool
    ttl: int
    options: dict
    owner: 'ConnectionSubscriptions'
    created: float = dataclasses.field(default_factory=time.monotonic)

    def deliver(self, queue_name: str, messages: list[dict]) -> None:
        self.owner.enqueue(self.binary, messages)

    def document(self) -> dict:
        """As subscription_get/list show it."""
        return {'id': self.id, 'source': self.queue,
                'subscriber': f'websocket:{self.owner.connection_id}',
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

    async def add(self, project: str, queue: str, binary: bool, ttl: int,
                  options: dict) -> Subscription:
        sub = Subscription(str(uuid.uuid4()), project, queue, binary, ttl,
                           options, self)
        if self._writer is None:
            self._writer = asyncio.create_task(self._write())
        self._subs[sub.id] = sub
        await self.source.subscribe(project, queue, sub)
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

    def remove(self, project: str, queue: str, sub_id: str) -> bool:
        sub = self.get(project, queue, sub_id)
        if sub is None:
            return False
        del self._subs[sub_id]
        self.source.unsubscribe(project, queue, sub)
        return True

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

    async def close(self) -> None:
        """Unsubscribe everything and stop the writer."""
        self._closing = True
        for sub in list(self._subs.values()):
            self.source.unsubscribe(sub.project, sub.queue, sub)
        self._subs.clear()
        if self._writer is not None:
            self._writer.cancel()
            try:
                await self._writer
            except (asyncio.CancelledError, Exception):
                pass
            self._writer = None


# -- The subscription actions (they need the connection, so they run here) --

def _checked(conn, ctx, body: dict, rule: str) -> str:
    """Validate the queue name and authorize; the queue name."""
    queue = body['queue_name']
    validation.queue_identification(queue, ctx.project_id)
    conn.server.svc.authorize(rule, ctx)
    return queue


def _not_found(sub_id: str) -> errors.NotFound:
    cause = storage_errors.SubscriptionDoesNotExist(sub_id)
    exc = errors.NotFound(str(cause))
    exc.__cause__ = cause
    return exc


def _ttl(body: dict, limits: validation.Limits) -> int:
    ttl = body.get('ttl')
    if not ttl:
        # Absent (or a falsy 0, which upstream skips too): the default.
        return limits.default_subscription_ttl
    if not validation.is_int(ttl):
        raise errors.BadRequest('TTL must be an integer.')
    if ttl < validation.MIN_SUBSCRIPTION_TTL:
        raise errors.BadRequest(
            f'The TTL for a subscription must be at least '
            f'{validation.MIN_SUBSCRIPTION_TTL} seconds long.')
    return ttl


async def subscription_create(conn, ctx, body: dict, binary: bool):
    queue = _checked(conn, ctx, body, 'subscription:create')
    if 'subscriber' in body:
        raise errors.BadRequest(
            'This WebSocket server does not register URL subscribers; '
            'omit "subscriber" to subscribe this connection, or use the '
            'HTTP API.')
    options = body.get('options', {})
    if not isinstance(options, dict):
        raise errors.BadRequest('Options must be a dict.')
    ttl = _ttl(body, conn.server.svc.limits)
    sub = await conn.subs.add(ctx.project_id, queue, binary, ttl, options)
    return 201, {'subscription_id': sub.id,
                 'message': f'Subscription {queue} created.'}


async def subscription_list(conn, ctx, body: dict, binary: bool):
    queue = _checked(conn, ctx, body, 'subscription:get_all')
    limit = body.get('limit', 10)
    if isinstance(limit, float) and limit.is_integer():
        limit = int(limit)
    validation.page_limit(limit,
                          conn.server.svc.limits.max_subscriptions_per_page)
    subs = conn.subs.listed(ctx.project_id, queue)
    marker = body.get('marker')
    if marker is not None:
        subs = [s for s in subs if s.id > marker]
    return 200, {'subscriptions': [s.document() for s in subs[:limit]]}


async def subscription_get(conn, ctx, body: dict, binary: bool):
    queue = _checked(conn, ctx, body, 'subscription:get')
    sub = conn.subs.get(ctx.project_id, queue, body['subscription_id'])
    if sub is None:
        raise _not_found(body['subscription_id'])
    return 200, sub.document()


async def subscription_delete(conn, ctx, body: dict, binary: bool):
    queue = _checked(conn, ctx, body, 'subscription:delete')
    sub_id = body['subscription_id']
    conn.subs.remove(ctx.project_id, queue, sub_id)
    return 204, f'Subscription {sub_id} removed.'


ACTIONS = {
    'subscription_create': subscription_create,
    'subscription_list': subscription_list,
    'subscription_get': subscription_get,
    'subscription_delete': subscription_delete,
}
