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

"""uvicorn's httptools protocol with deadlines, size limits and JSON refusals.

Added to each connection:

* a header deadline: a connection that has not sent a whole request line
  and headers within ``header_timeout`` (from connect, or from the first
  byte of a later request on a kept-alive connection) is closed, with a 408
  when it had started one;
* request line and header size limits (414, 431), checked as bytes arrive;
* a per-process connection limit: the connection past it gets a 503 and is
  closed at once, so a flood is answered instead of queued;
* every refusal in the API's JSON error body (malformed requests included).
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http import httptools_impl

from zaqar.serving import errors


class _Refused(Exception):
    """Raised from a parser callback to stop parsing and refuse."""


class HardenedHttpToolsProtocol(httptools_impl.HttpToolsProtocol):
    """One client connection; ``config.zaqar_limits`` holds the limits."""

    def __init__(self, config, server_state, app_state, _loop=None):
        super().__init__(config, server_state, app_state, _loop)
        self.limits = config.zaqar_limits
        self._deadline: asyncio.TimerHandle | None = None
        self._header_bytes = 0
        self._in_request = False
        self._refusal: int | None = None
        # Bytes received while waiting for the end of the headers.
        self._unparsed = 0
        self._head_limit = (self.limits.max_request_line
                            + self.limits.max_header_bytes + 1024)

    # -- connection life -----------------------------------------------------

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        if len(self.connections) > self.limits.max_connections:
            self._refuse(503)
            return
        self._arm()

    def connection_lost(self, exc) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        self._in_request = False
        super().on_response_complete()

    def _arm(self) -> None:
        self._disarm()
        self._unparsed = 0
        self._deadline = self.loop.call_later(self.limits.header_timeout,
                                              self._headers_too_late)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _headers_too_late(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        if self._in_request:
            self._refuse(408)
        else:
            self.transport.close()

    def _refuse(self, code: int) -> None:
        self._disarm()
        if not self.transport.is_closing():
            self.transport.write(errors.raw_response(code))
            self.transport.close()

    # -- parsing -------------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        if self._deadline is None and not self._in_request:
            # First bytes of a request on a kept-alive connection.
            self._arm()
        if self._deadline is not None:
            self._unparsed += len(data)
        super().data_received(data)
        if self._deadline is not None and self._unparsed > self._head_limit:
            # Still no end of headers: the parser would buffer on.
            self._refuse(431)

    def send_400_response(self, msg: str) -> None:
        # Every parse failure (and every callback refusal) ends here.
        self._refuse(self._refusal or 400)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_request = True
        self._header_bytes = 0

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if len(self.url) > self.limits.max_request_line:
            self._refusal = 414
            raise _Refused()

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_bytes += len(name) + len(value) + 4
        if self._header_bytes > self.limits.max_header_bytes:
            self._refusal = 431
            raise _Refused()
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()
