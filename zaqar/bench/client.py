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

"""A lean keep-alive HTTP client for one benchmark worker (stdlib only)."""

from __future__ import annotations

import http.client
import json
import time
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

# Errors that mean a kept-alive connection was closed by the server between
# two requests; the request is retried once on a fresh connection.
_STALE = (http.client.RemoteDisconnected, http.client.BadStatusLine,
          ConnectionResetError, BrokenPipeError, ConnectionAbortedError)


@dataclass
class Reply:
    """One request's outcome. ``status`` is 0 when no answer came."""

    status: int
    body: bytes
    seconds: float
    error: str | None = None
    location: str | None = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def json(self):
        return json.loads(self.body) if self.body else None


class Target:
    """Where the server is and who the benchmark says it is."""

    def __init__(self, url: str, project: str, token: str | None = None,
                 timeout: float = 30.0, keepalive: bool = True) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ('http', 'https'):
            raise ValueError(f'unsupported URL scheme in {url!r}')
        self.scheme = parts.scheme
        self.host = parts.hostname or '127.0.0.1'
        self.port = parts.port or (443 if parts.scheme == 'https' else 80)
        # A server mounted below a path prefix (behind a proxy, mod_wsgi).
        self.prefix = parts.path.rstrip('/')
        self.project = project
        self.token = token
        self.timeout = timeout
        self.keepalive = keepalive


class Client:
    """One worker's connection to the server, with its own Client-ID.

    Not thread-safe: give every worker thread its own Client.
    """

    def __init__(self, target: Target) -> None:
        self.target = target
        # Keep connections open between requests until the server shows it
        # closes them anyway (uWSGI --http-socket, gunicorn sync workers);
        # from then on ask for "Connection: close" and reconnect cleanly.
        self.keepalive = target.keepalive
        self._reuse_worked = False
        self.client_id = str(uuid.uuid4())
        self.headers = {
            'Client-ID': self.client_id,
            'X-Project-ID': target.project,
            'Accept': 'application/json',
            'Content-Type': 'application/json',
        }
        if target.token:
            self.headers['X-Auth-Token'] = target.token
        if not self.keepalive:
            self.headers['Connection'] = 'close'
        self.reconnects = 0
        self._conn: http.client.HTTPConnection | None = None
        self._used = False

    def _connect(self) -> http.client.HTTPConnection:
        factory = (http.client.HTTPSConnection
                   if self.target.scheme == 'https'
                   else http.client.HTTPConnection)
        self._used = False
        return factory(self.target.host, self.target.port,
                       timeout=self.target.timeout)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def path(self, path: str) -> str:
        """``path`` below the server's prefix (idempotent)."""
        prefix = self.target.prefix
        if prefix and path.startswith(prefix + '/'):
            return path
        return prefix + path

    def request(self, method: str, path: str,
                body: bytes | None = None) -> Reply:
        """Send one request and read the whole answer.

        Never raises for network trouble: a failure comes back as a Reply
        with status 0 and ``error`` naming the exception class.
        """
        url = self.path(path)
        start = time.perf_counter()
        for attempt in (1, 2):
            if self._conn is None:
                self._conn = self._connect()
            reused = self._used
            try:
                self._conn.request(method, url, body=body,
                                   headers=self.headers)
                resp = self._conn.getresponse()
                data = resp.read()
            except _STALE as exc:
                self.close()
                if reused and attempt == 1:
                    self.reconnects += 1
                    if not self._reuse_worked:
                        self.keepalive = False
                        self.headers['Connection'] = 'close'
                    continue
                return Reply(0, b'', time.perf_counter() - start,
                             type(exc).__name__)
            except (OSError, http.client.HTTPException) as exc:
                self.close()
                return Reply(0, b'', time.perf_counter() - start,
                             type(exc).__name__)
            if reused:
                self._reuse_worked = True
            self._used = True
            if resp.will_close or not self.keepalive:
                self.close()
            error = None if 200 <= resp.status < 300 else str(resp.status)
            return Reply(resp.status, data, time.perf_counter() - start,
                         error, resp.getheader('Location'))
        raise AssertionError('unreachable')
