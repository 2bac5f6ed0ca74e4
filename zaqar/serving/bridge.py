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

"""ASGI in front, WSGI behind: whole requests go to a bounded thread pool.

The event loop reads the body (Content-Length or chunked) up to the body
limit and within the body deadline; only a complete request takes a thread.
Our responses are small JSON documents, so the WSGI answer is collected
whole in the thread and written back by the loop. A long poll that finds
nothing hands its wait back to the loop and is run again when woken
(:mod:`.parking`), so waiting requests hold no thread.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import io
import logging
import sys
from typing import Any

from zaqar.serving import errors, parking
from zaqar.serving.limits import ServingLimits

LOG = logging.getLogger(__name__)


class _TooLarge(Exception):
    pass


def _header_pairs(headers: list[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    return [(name.encode('latin-1'), value.encode('latin-1'))
            for name, value in headers]


def _json_error(code: int) -> tuple[str, list[tuple[str, str]], bytes]:
    data = errors.body(code)
    return (errors.status_line(code),
            [('Content-Type', 'application/json'),
             ('Content-Length', str(len(data))), ('Connection', 'close')],
            data)


def build_environ(scope: dict, body: bytes, body_sent: bool) -> dict:
    """The WSGI environ of an ASGI HTTP scope and its whole body."""
    server = scope.get('server') or ('localhost', 80)
    client = scope.get('client')
    environ: dict[str, Any] = {
        'REQUEST_METHOD': scope['method'],
        'SCRIPT_NAME': scope.get('root_path', '').encode().decode('latin-1'),
        # WSGI carries the decoded path's bytes as latin-1 text.
        'PATH_INFO': scope['path'].encode().decode('latin-1'),
        'QUERY_STRING': scope['query_string'].decode('latin-1'),
        'SERVER_NAME': str(server[0]),
        'SERVER_PORT': str(server[1] or 80),
        'SERVER_PROTOCOL': 'HTTP/' + scope.get('http_version', '1.1'),
        'wsgi.version': (1, 0),
        'wsgi.url_scheme': scope.get('scheme', 'http'),
        'wsgi.input': io.BytesIO(body),
        'wsgi.errors': sys.stderr,
        'wsgi.multithread': True,
        'wsgi.multiprocess': True,
        'wsgi.run_once': False,
    }
    if client:
        environ['REMOTE_ADDR'] = client[0]
        environ['REMOTE_PORT'] = str(client[1])
    for raw_name, raw_value in scope['headers']:
        name = raw_name.decode('latin-1').upper().replace('-', '_')
        value = raw_value.decode('latin-1')
        if name == 'CONTENT_LENGTH' or name == 'TRANSFER_ENCODING':
            continue
        if name != 'CONTENT_TYPE':
            name = 'HTTP_' + name
        if name in environ:
            value = environ[name] + ',' + value
        environ[name] = value
    if body_sent:
        # Chunked or not, the application sees the length it was given.
        environ['CONTENT_LENGTH'] = str(len(body))
    return environ


def call_wsgi(app, environ: dict) -> tuple[str, list[tuple[str, str]], bytes]:
    """Run ``app`` on ``environ``; (status, headers, whole body)."""
    answer: list = []
    written: list[bytes] = []

    def start_response(status, headers, exc_info=None):
        if exc_info is not None and answer:
            raise exc_info[1].with_traceback(exc_info[2])
        answer[:] = [status, headers]
        return written.append

    try:
        result = app(environ, start_response)
        try:
            for chunk in result:
                written.append(chunk)
        finally:
            if hasattr(result, 'close'):
                result.close()
    except Exception:  # noqa: BLE001 - the app's own failure must not kill us
        LOG.exception('The WSGI application failed on %s %s',
                      environ.get('REQUEST_METHOD'), environ.get('PATH_INFO'))
        return _json_error(500)
    if not answer:
        return _json_error(500)
    return answer[0], answer[1], b''.join(written)


async def _disconnect(receive) -> None:
    """Return once the client has gone (the body is already read, so the
    next ASGI message is the disconnect)."""
    while (await receive())['type'] != 'http.disconnect':
        pass


class WSGIBridge:
    """An ASGI application that runs a WSGI one on fully read requests."""

    def __init__(self, app, limits: ServingLimits):
        self.app = app
        self.limits = limits
        # threads = 0: the application runs on the loop's own thread.
        self.executor = (concurrent.futures.ThreadPoolExecutor(
            limits.threads, thread_name_prefix='zaqar-wsgi')
            if limits.threads else None)

    async def __call__(self, scope, receive, send):
        if scope['type'] == 'lifespan':
            await self._lifespan(receive, send)
            return
        if scope['type'] != 'http':
            return
        answer = await self._answer(scope, receive)
        if answer is parking.GONE:
            return  # the client left while its long poll waited
        status, headers, data = answer
        await send({'type': 'http.response.start',
                    'status': int(status[:3]),
                    'headers': _header_pairs(headers)})
        await send({'type': 'http.response.body', 'body': data})

    async def _answer(self, scope, receive):
        declared, chunked = None, False
        for name, value in scope['headers']:
            if name == b'content-length':
                try:
                    declared = int(value)
                except ValueError:
                    return _json_error(400)
            elif name == b'transfer-encoding':
                chunked = True
        if declared is not None and declared > self.limits.max_body:
            return _json_error(413)
        try:
            # asyncio.timeout arms one timer; wait_for would start a task.
            async with asyncio.timeout(self.limits.body_timeout):
                body = await self._read_body(receive)
        except _TooLarge:
            return _json_error(413)
        except asyncio.TimeoutError:
            return _json_error(408)
        sent = declared is not None or chunked
        # A long poll (?wait=) parks here instead of holding the thread,
        # and each run gets a fresh environ (zaqar.serving.parking).
        return await parking.run(
            self.executor,
            lambda: call_wsgi(self.app, build_environ(scope, body, sent)),
            gone=lambda: _disconnect(receive))

    async def _read_body(self, receive) -> bytes:
        parts, size = [], 0
        while True:
            message = await receive()
            if message['type'] == 'http.disconnect':
                raise asyncio.TimeoutError()
            chunk = message.get('body', b'')
            size += len(chunk)
            if size > self.limits.max_body:
                raise _TooLarge()
            parts.append(chunk)
            if not message.get('more_body'):
                return b''.join(parts)

    async def _lifespan(self, receive, send):
        while True:
            message = await receive()
            if message['type'] == 'lifespan.startup':
                await send({'type': 'lifespan.startup.complete'})
            elif message['type'] == 'lifespan.shutdown':
                if self.executor is not None:
                    self.executor.shutdown(wait=True)
                await send({'type': 'lifespan.shutdown.complete'})
                return
