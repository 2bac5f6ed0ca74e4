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

"""Hostile-client tests: a live zaqar-server with the shipped defaults.

Unlike the functional servers, these run without the test allowances
(loopback receivers, temp-dir pools): what an attacker meets is what a
deployment gets by default.
"""

from __future__ import annotations

import resource
import shutil
import socket
import tempfile
import time
import unittest
import uuid

from tests.functional import server as fserver

CLIENT_ID = str(uuid.uuid4())


def raise_open_files_limit(wanted: int) -> None:
    """Let this test process hold ``wanted`` sockets."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))


class HostileServerCase(unittest.TestCase):
    """One zaqar-server per class on a private SQLite store."""

    extra_conf = ''
    workers = 2
    test_allowances = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._tmp = tempfile.mkdtemp(prefix='zaqar-hostile-')
        cls.server = fserver.Server(f'sqlite:///{cls._tmp}/zaqar.db',
                                    'sqlalchemy', cls.extra_conf,
                                    workers=cls.workers,
                                    test_allowances=cls.test_allowances)
        try:
            cls.server.start()
        except Exception:
            shutil.rmtree(cls._tmp, ignore_errors=True)
            raise

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.server.dir, ignore_errors=True)
        shutil.rmtree(cls._tmp, ignore_errors=True)
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.http = fserver.Client(self.server.url)

    def assertJSONError(self, resp, status: int) -> dict:
        """``resp`` is the API's JSON error with ``status``."""
        self.assertEqual(status, resp.status_code, resp.text[:300])
        self.assertTrue(resp.headers.get('Content-Type', '').startswith(
            'application/json'), resp.headers)
        body = resp.json()
        self.assertIn('title', body)
        return body

    def connect(self) -> socket.socket:
        return socket.create_connection(('127.0.0.1', self.server.port),
                                        timeout=10)


def raw_exchange(sock: socket.socket, data: bytes,
                 timeout: float = 10.0) -> bytes:
    """Send ``data`` and read until the server closes (or ``timeout``)."""
    sock.settimeout(timeout)
    if data:
        sock.sendall(data)
    chunks = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            break
        except ConnectionResetError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b''.join(chunks)


def read_response(sock: socket.socket, timeout: float) -> bytes:
    """One whole response (by Content-Length), or what came before the
    server closed or ``timeout`` passed."""
    sock.settimeout(timeout)
    data = b''
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        head, sep, body = data.partition(b'\r\n\r\n')
        if sep:
            for line in head.lower().split(b'\r\n'):
                if line.startswith(b'content-length:'):
                    if len(body) >= int(line.split(b':')[1]):
                        return data
        try:
            chunk = sock.recv(65536)
        except (socket.timeout, ConnectionResetError):
            break
        if not chunk:
            break
        data += chunk
    return data


def split_response(raw: bytes) -> tuple[int, dict, bytes]:
    """(status, lower-cased headers, body) of one raw HTTP response."""
    head, _, body = raw.partition(b'\r\n\r\n')
    lines = head.decode('latin-1').split('\r\n')
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(':')
        headers[name.strip().lower()] = value.strip()
    return status, headers, body
