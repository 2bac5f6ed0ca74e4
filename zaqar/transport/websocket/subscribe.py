"""Subscriptions over WebSocket; without ``subscriber``, push to this socket.

``subscription_create`` without a ``subscriber`` subscribes the connection
itself: the subscription lasts as long as the socket (or until
``subscription_delete``), and new messages reach it through the server's
PushSource, in the framing (JSON text or MessagePack binary) of the
request that subscribed. With a ``subscriber`` URL, and for the other
subscription actions on stored subscriptions, the WebSocket calls the same
``zaqar.api`` operations as HTTP.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time

from websockets.exceptions import ConnectionClosed

from zaqar.api import actions, validation
from zaqar.api.payload import Payload
from zaqar.common import errors
from zaqar.storage import errors as storage_errors
from zaqar.transport.websocket import codec, render
from zaqar.transport.websocket.push import PushSource

LOG = logging.getLogger(__name__)

# Close code for a client that does not read its pushed frames.
TRY_AGAIN_LATER = 1013
# Push subscriptions one connection may hold (each is fanned out to).
MAX_PER_CONNECTION = 100


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


# -- The subscription actions (they need the connection, so they run here) --

def _stored_operations() -> bool:
    """Whether zaqar.api serves stored (URL) subscriptions."""
    return 'subscription_create' in actions.ACTIONS


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


def _int(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _ttl(body: dict, limits: validation.Limits) -> int:
    ttl = _int(body.get('ttl'))
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


async def subscription_create(conn, ctx, body: dict, binary: bool):
    queue = _checked(conn, ctx, body, 'subscription:create')
    svc = conn.server.svc
    if 'subscriber' in body:
        if not _stored_operations():
            raise errors.BadRequest(
                'This server does not register URL subscribers; omit '
                '"subscriber" to subscribe this connection.')
        created = await conn.in_thread(
            actions.dispatch, svc, ctx, 'subscription_create',
            queue_name=queue, payload=Payload.from_document(
                {k: _int(body[k]) for k in ('subscriber', 'ttl', 'options')
                 if k in body}))
        result = {'subscription_id': created.subscription_id,
                  'message': f'Subscription {queue} created.'}
        if created.secret:
            result['secret'] = created.secret
        return 201, result
    options = body.get('options', {})
    if not isinstance(options, dict):
        raise errors.BadRequest('Options must be a dict.')
    ttl = _ttl(body, svc.limits)
    if conn.subs.count() >= MAX_PER_CONNECTION:
        raise errors.BadRequest(f'A connection may hold at most '
                                f'{MAX_PER_CONNECTION} subscriptions.')
    sub = await conn.subs.add(ctx, queue, binary, ttl, options)
    return 201, {'subscription_id': sub.id,
                 'message': f'Subscription {queue} created.'}


async def subscription_list(conn, ctx, body: dict, binary: bool):
    queue = _checked(conn, ctx, body, 'subscription:get_all')
    limit = _int(body.get('limit', 10))
    marker = body.get('marker')
    validation.page_limit(limit,
                          conn.server.svc.limits.max_subscriptions_per_page)
    docs = []
    if _stored_operations():
        stored, _ = await conn.in_thread(
            actions.dispatch, conn.server.svc, ctx, 'subscription_list',
            queue_name=queue, marker=marker, limit=limit)
        docs = [stored_document(s, None) for s in stored]
    if not conn.subs.source.stored:
        local = conn.subs.listed(ctx.project_id, queue)
        docs += [s.document() for s in local
                 if marker is None or s.id > marker]
        docs = sorted(docs, key=lambda d: d['id'])[:limit]
    return 200, {'subscriptions': docs}


async def subscription_get(conn, ctx, body: dict, binary: bool):
    queue = _checked(conn, ctx, body, 'subscription:get')
    sub_id = body['subscription_id']
    sub = conn.subs.get(ctx.project_id, queue, sub_id)
    if sub is not None and not conn.subs.source.stored:
        return 200, sub.document()
    if not _stored_operations():
        raise _not_found(sub_id)
    stored, state = await conn.in_thread(
        actions.dispatch, conn.server.svc, ctx, 'subscription_get',
        queue_name=queue, subscription_id=sub_id)
    return 200, stored_document(stored, state)


async def subscription_delete(conn, ctx, body: dict, binary: bool):
    queue = _checked(conn, ctx, body, 'subscription:delete')
    sub_id = body['subscription_id']
    sub = conn.subs.get(ctx.project_id, queue, sub_id)
    if sub is not None:
        await conn.subs.remove(sub)
    elif _stored_operations():
        await conn.in_thread(actions.dispatch, conn.server.svc, ctx,
                             'subscription_delete', queue_name=queue,
                             subscription_id=sub_id)
    return 204, f'Subscription {sub_id} removed.'


ACTIONS = {
    'subscription_create': subscription_create,
    'subscription_list': subscription_list,
    'subscription_get': subscription_get,
    'subscription_delete': subscription_delete,
}
