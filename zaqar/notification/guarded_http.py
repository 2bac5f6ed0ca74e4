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

"""requests sessions that connect only to permitted addresses.

The destination check runs inside the connection step itself: the name is
resolved once, every answer is checked, and the socket connects to one of
exactly those addresses. Nothing resolved earlier (at subscription time,
or by a previous connection) is trusted, so a name re-pointed at an
internal address (DNS rebinding) is refused. Redirects are never followed
(callers pass ``allow_redirects=False``).
"""

from __future__ import annotations

import socket

import requests
import urllib3
from requests import adapters
from urllib3 import connection as u3_connection
from urllib3 import connectionpool

from zaqar.notification import destinations


def _connect(host: str, port: int, timeout, allowlist, socket_options):
    """A socket to the first reachable permitted address of ``host``."""
    error: OSError | None = None
    for family, kind, proto, _, address in destinations.checked_addresses(
            host, port, allowlist):
        sock = socket.socket(family, kind, proto)
        try:
            for option in socket_options or ():
                sock.setsockopt(*option)
            if timeout is not None:
                sock.settimeout(timeout)
            sock.connect(address)
            return sock
        except OSError as exc:
            error = exc
            sock.close()
    raise error or OSError(f'no address to connect to for {host}')


class _Guard:
    """Mixin for urllib3 connections: a checked connect step."""

    allowlist = destinations.Allowlist()

    def _new_conn(self):
        try:
            return _connect(self._dns_host, self.port, self.timeout,
                            self.allowlist, self.socket_options)
        except socket.gaierror as exc:
            raise urllib3.exceptions.NameResolutionError(
                self.host, self, exc) from exc
        except socket.timeout as exc:
            raise urllib3.exceptions.ConnectTimeoutError(
                self, f'Connection to {self.host} timed out.') from exc
        except OSError as exc:
            raise urllib3.exceptions.NewConnectionError(
                self, f'Failed to establish a new connection: {exc}') from exc


def _adapter(allowlist: destinations.Allowlist) -> adapters.HTTPAdapter:
    attrs = {'allowlist': allowlist}
    http_conn = type('GuardedHTTPConnection',
                     (_Guard, u3_connection.HTTPConnection), attrs)
    https_conn = type('GuardedHTTPSConnection',
                      (_Guard, u3_connection.HTTPSConnection), attrs)
    http_pool = type('GuardedHTTPPool', (connectionpool.HTTPConnectionPool,),
                     {'ConnectionCls': http_conn})
    https_pool = type('GuardedHTTPSPool',
                      (connectionpool.HTTPSConnectionPool,),
                      {'ConnectionCls': https_conn})
    adapter = adapters.HTTPAdapter()
    adapter.poolmanager.pool_classes_by_scheme = {'http': http_pool,
                                                  'https': https_pool}
    return adapter


def session(allowlist: destinations.Allowlist) -> requests.Session:
    """A session whose every connection passes the destination check."""
    http = requests.Session()
    http.trust_env = False
    adapter = _adapter(allowlist)
    http.mount('http://', adapter)
    http.mount('https://', adapter)
    return http
