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

"""Slow, silent and idle clients cannot stall the default zaqar-server."""

from __future__ import annotations

import json
import selectors
import socket
import time

import requests

from tests.hostile import base

# Connections of each kind held open while a normal request is timed.
SLOW = 1000
IDLE = 1000
# What a normal request may take while they are held open.
BOUND = 1.0


def _partial_headers() -> bytes:
    return (b'POST /v2/queues/slow/messages HTTP/1.1\r\n'
            b'Host: 127.0.0.1\r\nX-Project-ID: slow\r\n')


def _short_body() -> bytes:
    return (b'POST /v2/queues/slow/messages HTTP/1.1\r\n'
            b'Host: 127.0.0.1\r\nX-Project-ID: slow\r\n'
            b'Client-ID: ' + base.CLIENT_ID.encode() + b'\r\n'
            b'Content-Type: application/json\r\nContent-Length: 1000\r\n'
            b'\r\n{"messages": [')


def _read_one_response(socks: list[socket.socket], timeout: float) -> int:
    """Read until each socket got a whole (small) response; how many did."""
    selector = selectors.DefaultSelector()
    pending = {}
    for sock in socks:
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ)
        pending[sock] = b''
    done = 0
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        for key, _ in selector.select(timeout=0.5):
            sock = key.fileobj
            try:
                chunk = sock.recv(65536)
            except BlockingIOError:
                continue
            pending[sock] += chunk
            head, sep, body = pending[sock].partition(b'\r\n\r\n')
            if sep and b'content-length: ' in head.lower():
                length = int(head.lower().split(b'content-length: ')[1]
                             .split(b'\r\n')[0])
                if len(body) >= length or not chunk:
                    selector.unregister(sock)
                    del pending[sock]
                    done += 1
            elif not chunk:
                selector.unregister(sock)
                del pending[sock]
    selector.close()
    for sock in socks:
        sock.setblocking(True)
    return done


class SlowAndIdleClientsTest(base.HostileServerCase):
    """1,000 slow + 1,000 idle keep-alive connections, shipped settings."""

    def setUp(self):
        super().setUp()
        base.raise_open_files_limit(SLOW + IDLE + 512)
        self.socks: list[socket.socket] = []
        self.addCleanup(self._close_all)

    def _close_all(self):
        for sock in self.socks:
            sock.close()

    def _open(self, count: int) -> list[socket.socket]:
        opened = [self.connect() for _ in range(count)]
        self.socks.extend(opened)
        return opened

    def _timed_post(self) -> float:
        start = time.monotonic()
        resp = self.http.post('/v2/queues/normal/messages',
                              json={'messages': [{'body': 'hello'}]},
                              timeout=30)
        elapsed = time.monotonic() - start
        self.assertEqual(201, resp.status_code, resp.text)
        return elapsed

    def test_normal_request_answers_fast_beside_slow_and_idle_clients(self):
        self._timed_post()  # warm up this client's connection
        slow = self._open(SLOW)
        for i, sock in enumerate(slow):
            sock.sendall(_partial_headers() if i % 2
                         else _short_body())
        idle = self._open(IDLE)
        for sock in idle:
            sock.sendall(b'GET /healthcheck HTTP/1.1\r\nHost: x\r\n\r\n')
        answered = _read_one_response(idle, timeout=60)
        self.assertEqual(IDLE, answered,
                         'every keep-alive client gets its first answer')
        # Now 2,000 connections sit open: half mid-request, half idle.
        fresh = base.fserver.Client(self.server.url)
        start = time.monotonic()
        resp = fresh.get('/v2/queues/normal/stats', timeout=30)
        first = time.monotonic() - start
        self.assertEqual(200, resp.status_code)
        worst = max([first] + [self._timed_post() for _ in range(5)])
        self.assertLess(worst, BOUND,
                        f'a normal request took {worst:.3f}s beside '
                        f'{SLOW} slow and {IDLE} idle connections')
        print(f'\nslow-client figures: {SLOW} slow + {IDLE} idle '
              f'connections open; new connection answered in '
              f'{first * 1000:.0f} ms, slowest of 5 posts '
              f'{worst * 1000:.0f} ms')


class DeadlinesTest(base.HostileServerCase):
    """Short deadlines and a small connection limit, to see each act."""

    workers = 1
    extra_conf = '''
        [drivers:transport:wsgi]
        header_timeout = 1
        body_timeout = 1
        keepalive_timeout = 1
        max_connections = 40
    '''

    def _closed_within(self, sock: socket.socket, seconds: float) -> bytes:
        start = time.monotonic()
        data = base.raw_exchange(sock, b'', timeout=seconds + 5)
        self.assertLess(time.monotonic() - start, seconds + 3)
        return data

    def test_silent_connection_is_closed(self):
        with self.connect() as sock:
            self.assertEqual(b'', self._closed_within(sock, 1))

    def test_partial_headers_get_408_json(self):
        with self.connect() as sock:
            sock.sendall(_partial_headers())
            status, headers, body = base.split_response(
                self._closed_within(sock, 1))
        self.assertEqual(408, status)
        self.assertEqual('application/json', headers['content-type'])
        self.assertIn('title', json.loads(body))

    def test_body_shorter_than_content_length_gets_408_json(self):
        with self.connect() as sock:
            sock.sendall(_short_body())
            status, headers, body = base.split_response(
                self._closed_within(sock, 1))
        self.assertEqual(408, status)
        self.assertIn('title', json.loads(body))

    def test_idle_keepalive_connection_is_closed(self):
        with self.connect() as sock:
            sock.sendall(b'GET /healthcheck HTTP/1.1\r\nHost: x\r\n\r\n')
            data = self._closed_within(sock, 1)
        self.assertTrue(data.startswith(b'HTTP/1.1 200'), data[:100])

    def test_connection_past_the_limit_gets_503_json(self):
        base.raise_open_files_limit(512)
        socks = [self.connect() for _ in range(45)]
        try:
            answers = []
            for sock in socks[-5:]:
                answers.append(base.raw_exchange(sock, b'', timeout=3))
            refused = [a for a in answers if a.startswith(b'HTTP/1.1 503')]
            self.assertTrue(refused, answers)
            _, headers, body = base.split_response(refused[0])
            self.assertEqual('application/json', headers['content-type'])
            self.assertIn('title', json.loads(body))
        finally:
            for sock in socks:
                sock.close()
        # Once they are gone the server serves again.
        time.sleep(0.2)
        resp = requests.get(self.server.url + '/healthcheck', timeout=5)
        self.assertEqual(200, resp.status_code)
