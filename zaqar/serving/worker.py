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

"""A gunicorn worker process running uvicorn with the hardened protocol.

gunicorn forks the workers, restarts dead ones and stops them gracefully;
in each worker uvicorn serves the shared listening sockets. The application
gunicorn loads for us is a :class:`zaqar.serving.bridge.WSGIBridge`.
"""

from __future__ import annotations

import asyncio
import os
import signal

import uvicorn
from gunicorn.arbiter import Arbiter
from gunicorn.workers import base

from zaqar.serving.protocol import HardenedHttpToolsProtocol


def _event_loop_factory():
    """uvloop when installed (faster), else asyncio's own loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop
    return uvloop.new_event_loop


# Seconds between two heartbeats to the arbiter (and looks at whether it
# is still there).
NOTIFY_EVERY = 1.0


class UvicornWorker(base.Worker):
    """One serving process: uvicorn on gunicorn's sockets."""

    def init_signals(self) -> None:
        # uvicorn handles SIGINT/SIGTERM itself (graceful stop); gunicorn's
        # SIGQUIT (stop now) keeps its default action.
        for sig in self.SIGNALS:
            signal.signal(sig, signal.SIG_DFL)

    def _config(self) -> uvicorn.Config:
        limits = self.wsgi.limits
        config = uvicorn.Config(
            app=self.wsgi,
            http=HardenedHttpToolsProtocol,
            ws='none',
            lifespan='on',
            interface='asgi3',
            log_config=None,
            access_log=False,
            server_header=False,
            proxy_headers=False,
            timeout_keep_alive=limits.keepalive_timeout,
            timeout_graceful_shutdown=self.cfg.graceful_timeout,
            timeout_notify=min(self.timeout, NOTIFY_EVERY),
            callback_notify=self._notify,
            backlog=self.cfg.backlog,
        )
        config.zaqar_limits = limits
        return config

    async def _notify(self) -> None:
        if self.ppid != os.getppid():
            # The arbiter is gone (killed): a worker left behind would keep
            # the port and serve on its own. Stop as gunicorn's workers do.
            self.log.info('Parent changed, shutting down: %s', self)
            self._server.should_exit = True
            return
        self.notify()

    async def _serve(self) -> None:
        server = self._server = uvicorn.Server(self._config())
        await server.serve(sockets=self.sockets)
        if not server.started:
            raise SystemExit(Arbiter.WORKER_BOOT_ERROR)

    def run(self) -> None:
        loop = _event_loop_factory()()
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._serve())
        finally:
            loop.close()
