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

"""The WebSocket server: listen, hand each socket to a Connection, shut down cleanly.

One asyncio process serves every connection. Blocking work (storage,
Keystone) runs in a thread pool; push reads run in one background task
(``push.PollingPushSource``). ``GET /healthcheck`` on the same port
answers plain HTTP 200 for load balancers; any other path speaks the
WebSocket protocol (frames in zaqar.schemas.websocket).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import http
import logging
import signal

from websockets.asyncio import server as ws_server

from zaqar.metrics import hooks as metrics_hooks
from zaqar.transport.websocket import auth, protocol, push

LOG = logging.getLogger(__name__)

GROUP = 'drivers:transport:websocket'
# Close code for connections over max_connections.
TRY_AGAIN_LATER = 1013
# Seconds between keepalive pings, and to wait for the pong: finds dead
# peers (a quiet subscriber is not idle).
KEEPALIVE = 20
HEALTHCHECK_PATH = '/healthcheck'


@dataclasses.dataclass(frozen=True)
class Settings:
    """[drivers:transport:websocket] limits, read once."""

    max_frame_size: int = 1024 * 1024
    max_requests_per_second: float = 100.0
    rate_limit_burst: int = 50
    idle_timeout: int = 300
    max_connections: int = 10000
    worker_threads: int = 16
    push_poll_interval: float = 0.1
    push_poll_max_interval: float = 0.5
    push_lookback: float = 1.0
    push_backlog: int = 1000
    push_source: str = 'auto'
    notification_bind: str | None = None
    notification_port: int = 0

    @classmethod
    def from_conf(cls, conf) -> Settings:
        group = conf[GROUP]
        return cls(**{f.name: getattr(group, f.name)
                      for f in dataclasses.fields(cls)})


class Server:
    """Everything the connections share: service, pool, push, auth."""

    def __init__(self, svc, settings: Settings, authenticator=None,
                 bind: str = '127.0.0.1'):
        self.svc = svc
        self.settings = settings
        self.authenticator = authenticator
        self.executor = concurrent.futures.ThreadPoolExecutor(
            settings.worker_threads, thread_name_prefix='zaqar-ws')
        self.push = self._push_source(bind)
        self.connections: set[protocol.Connection] = set()
        self._server: ws_server.Server | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _push_source(self, bind: str) -> push.PushSource:
        """The pipeline's listener (``auto``), or polling when asked for."""
        settings = self.settings
        if settings.push_source in ('auto', 'pipeline'):
            from zaqar.transport.websocket import listener
            return listener.PipelinePushSource(
                self.svc, self.executor, settings.notification_bind or bind,
                settings.notification_port, settings.max_frame_size)
        return push.PollingPushSource(
            self.svc, self.executor, settings.push_poll_interval,
            settings.push_poll_max_interval, settings.push_lookback)

    @classmethod
    def from_service(cls, svc, bind: str = '127.0.0.1') -> Server:
        conf = svc.conf
        authenticator = None
        if conf.auth_strategy == 'keystone':
            authenticator = auth.KeystoneAuthenticator(conf)
        else:
            LOG.warning('Authentication is OFF (development mode): the '
                        'project comes from the X-Project-ID header.')
        return cls(svc, Settings.from_conf(conf), authenticator, bind)

    async def _handler(self, ws) -> None:
        if len(self.connections) >= self.settings.max_connections:
            await ws.close(TRY_AGAIN_LATER, 'Too many connections.')
            return
        connection = protocol.Connection(ws, self)
        self.connections.add(connection)
        metrics_hooks.websocket_connections(1)
        try:
            await connection.run()
        finally:
            self.connections.discard(connection)
            metrics_hooks.websocket_connections(-1)

    @staticmethod
    def _process_request(connection, request):
        if request.path == HEALTHCHECK_PATH:
            return connection.respond(http.HTTPStatus.OK, 'OK\n')
        return None

    def _after_action(self, action: str, ctx, params: dict, result,
                      spec) -> None:
        """A post through this server: push it without waiting for a poll."""
        if spec.posts and params.get('queue_name') is not None:
            self._loop.call_soon_threadsafe(
                self.push.nudge, ctx.project_id, params['queue_name'])

    async def start(self, host: str, port: int) -> list[tuple]:
        """Listen; returns the bound socket addresses."""
        self._loop = asyncio.get_running_loop()
        self.svc.after_action.append(self._after_action)
        await self.push.start()
        self._server = await ws_server.serve(
            self._handler, host, port,
            max_size=self.settings.max_frame_size,
            # permessage-deflate costs ~100 KiB per connection; off.
            compression=None,
            ping_interval=KEEPALIVE, ping_timeout=KEEPALIVE,
            process_request=self._process_request,
            server_header=None)
        return [sock.getsockname() for sock in self._server.sockets]

    async def stop(self) -> None:
        """Close every connection (1001 going away), then the pool."""
        if self._server is not None:
            self._server.close(close_connections=True)
            await self._server.wait_closed()
            self._server = None
        await self.push.stop()
        if self._after_action in self.svc.after_action:
            self.svc.after_action.remove(self._after_action)
        notifier = getattr(self.svc, 'notifier', None)
        if notifier is not None:
            # The notification workers bootstrap started in this process.
            await asyncio.get_running_loop().run_in_executor(
                None, notifier.stop)
        self.executor.shutdown(wait=True, cancel_futures=True)
        close = getattr(self.svc.storage, 'close', None)
        if close is not None:
            close()


async def serve(svc, host: str, port: int) -> None:
    """Run until SIGTERM or SIGINT, then shut down gracefully."""
    server = Server.from_service(svc, host)
    addresses = await server.start(host, port)
    for address in addresses:
        LOG.info('Serving the v2 WebSocket API on ws://%s:%s',
                 *address[:2])
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    await stopping.wait()
    LOG.info('Stopping the WebSocket API')
    await server.stop()
