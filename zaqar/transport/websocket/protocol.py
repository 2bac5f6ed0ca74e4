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

"""One connection: frame -> checks -> the shared operation -> frame; push; limits.

Each request frame goes through, in order: rate limit (429), decoding
(400), type check (400), action lookup (400), schema (400), the
authentication gate (403; only with ``auth_strategy = keystone``), then
its handler. Requests of one connection are answered in order, one at a
time; storage work runs in the server's thread pool so the event loop
never blocks. Nothing a client sends can end the server or the
connection, except breaking the limits (close codes below).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
import uuid
from typing import Any

import jsonschema
from websockets.exceptions import ConnectionClosed

from zaqar.common import errors
from zaqar.schemas import websocket as schemas
from zaqar.serving import parking
from zaqar.transport.websocket import (
    auth,
    codec,
    handlers,
    limits,
    render,
    signed,
    subscribe,
)

LOG = logging.getLogger(__name__)

# Close codes (RFC 6455 section 7.4 and the application range).
NORMAL = 1000
POLICY_VIOLATION = 1008
AUTH_EXPIRED = 4003

VALIDATORS = {name: jsonschema.Draft202012Validator(schema)
              for name, schema in schemas.REQUESTS.items()}

NOT_A_DICT = 'Unexpected body type. Expected dict or dict like.'


class Connection:
    """The state of one client socket."""

    def __init__(self, ws, server):
        self.ws = ws
        self.server = server
        self.settings = server.settings
        self.id = uuid.uuid4().hex
        self.identity: auth.Identity | None = None
        self.limiter = limits.RateLimiter(
            self.settings.max_requests_per_second,
            self.settings.rate_limit_burst)
        self.subs = subscribe.ConnectionSubscriptions(
            ws, server.push, self.settings.push_backlog, self.id)
        self._expiry: asyncio.TimerHandle | None = None

    async def run(self) -> None:
        """Answer frames until the client leaves or breaks a limit."""
        try:
            while True:
                try:
                    frame = await self._receive()
                except TimeoutError:
                    await self._close(NORMAL, 'Idle timeout.')
                    return
                allowed = self.limiter.allow()
                if not allowed and self.limiter.exhausted:
                    await self._close(POLICY_VIOLATION,
                                      'Rate limit exceeded.')
                    return
                await self.ws.send(await self.handle(frame, allowed))
        except ConnectionClosed:
            pass
        finally:
            if self._expiry is not None:
                self._expiry.cancel()
            await self.subs.close()

    async def _close(self, code: int, reason: str) -> None:
        """Close, discarding frames the client sent meanwhile.

        Frames left unread can hold reading paused (flow control), and then
        the client's close frame would never be read: drain them.
        """
        closing = asyncio.ensure_future(self.ws.close(code, reason))
        try:
            while not closing.done():
                await self.ws.recv()
        except ConnectionClosed:
            pass
        await closing

    async def _receive(self) -> str | bytes:
        timeout = self.settings.idle_timeout
        if not timeout or self.subs:
            # A subscriber may listen quietly for as long as it likes;
            # keepalive pings still find dead peers.
            return await self.ws.recv()
        async with asyncio.timeout(timeout):
            return await self.ws.recv()

    async def handle(self, frame: str | bytes,
                     allowed: bool = True) -> str | bytes:
        """The response frame to one request frame."""
        binary = isinstance(frame, bytes)
        request, status, body = await self._answer(frame, binary, allowed)
        try:
            return codec.encode(render.response(request, status, body),
                                binary)
        except (TypeError, ValueError, OverflowError):
            LOG.exception('A %s response could not be encoded', status)
            return codec.encode(render.response(request, 500, {
                'error': 'Internal server error',
                'exception': 'The response could not be encoded.'}), binary)

    async def _answer(self, frame: str | bytes, binary: bool,
                      allowed: bool) -> tuple[Any, int, Any]:
        try:
            request = codec.decode(frame)
        except codec.DecodeError as exc:
            return None, 400, {'error': str(exc)}
        if not allowed:
            rate = self.settings.max_requests_per_second
            return request, 429, {
                'error': f'Too many requests: this connection may send '
                         f'{rate:g} per second.'}
        if not isinstance(request, dict):
            return None, 400, {'error': NOT_A_DICT}
        action = request.get('action')
        validator = VALIDATORS.get(action) if isinstance(action, str) \
            else None
        if validator is None:
            return request, 400, {'error': f'{action} is not a valid action'}
        if not validator.is_valid(request):
            return request, 400, {'error': 'Schema validation failed.'}
        headers = request['headers']
        body = request.get('body') or {}
        entry = handlers.HANDLERS[action]
        if not entry.gated:
            return (request, *await entry.func(self, headers))
        signed_roles = None
        if (self.server.authenticator is not None and self.identity is None
                and 'URL-Signature' in headers):
            signed_roles = signed.roles(self.server.svc.signing_key, action,
                                        headers, body)
        if signed_roles is None:
            denied = self._denial(headers)
            if denied is not None:
                return request, 403, {'error': denied}
        ctx = auth.context(headers, self.identity, signed_roles)
        try:
            if entry.needs_connection:
                status, result = await entry.func(self, ctx, body, binary)
            else:
                # A long poll (wait) awaits on the loop, not in a thread,
                # and ends when the connection closes.
                answer = await parking.run(
                    self.server.executor, entry.func, self.server.svc, ctx,
                    body, gone=self.ws.wait_closed)
                if answer is parking.GONE:
                    # Never sent: the connection is closed.
                    return request, 503, {'error': 'Connection closed.'}
                status, result = answer
        except errors.APIError as exc:
            return request, exc.status, render.api_error(exc, body)
        except Exception:
            LOG.exception('Unexpected error in %s (request %s)', action,
                          ctx.request_id)
            return request, 500, {
                'error': 'Internal server error',
                'exception': f'The server failed to complete the request; '
                             f'its log has the details under request id '
                             f'{ctx.request_id}.'}
        return request, status, result

    async def in_thread(self, func, *args, **kwargs) -> Any:
        """Run blocking work (storage, Keystone) in the server's pool."""
        return await asyncio.get_running_loop().run_in_executor(
            self.server.executor, functools.partial(func, *args, **kwargs))

    # -- authentication -----------------------------------------------------

    def _denial(self, headers: dict) -> str | None:
        """Why a request may not run yet (Keystone mode only)."""
        if self.server.authenticator is None:
            return None
        if self.identity is None:
            return 'Not authentified.'
        if headers['X-Project-ID'] != self.identity.project_id:
            return 'Not authenticated.'
        return None

    async def _authenticate(self, headers: dict) -> tuple[int, dict]:
        """Check the Keystone token; the identity later requests use."""
        authenticator = self.server.authenticator
        if authenticator is None:
            # Auth off (development mode): nothing to check.
            return 200, {'message': 'Authentified.'}
        identity = await self.in_thread(authenticator.validate,
                                        headers['X-Auth-Token'])
        if identity is None or identity.project_id != headers['X-Project-ID']:
            return 401, {'error': 'Authentication failed.'}
        self.identity = identity
        if self._expiry is not None:
            self._expiry.cancel()
            self._expiry = None
        if identity.expires is not None:
            self._expiry = asyncio.get_running_loop().call_later(
                max(0.0, identity.expires - time.time()), self._expired)
        return 200, {'message': 'Authentified.'}

    def _expired(self) -> None:
        self.identity = None
        asyncio.ensure_future(self.ws.close(AUTH_EXPIRED,
                                            'Authentication expired.'))


@handlers.handler('authenticate', needs_connection=True, gated=False)
async def authenticate(conn: Connection, headers: dict) -> tuple[int, dict]:
    return await conn._authenticate(headers)
