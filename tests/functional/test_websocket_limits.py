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

"""Connection limits: frame size, request rate, idle time, connection count."""

from __future__ import annotations

import json
import time

from websockets.exceptions import ConnectionClosed

from tests.functional.test_websocket import Client, WebSocketTestCase

PING = json.dumps({'action': 'ping_node',
                   'headers': {'Client-ID': 'c', 'X-Project-ID': 'p'}})


class LimitsTest(WebSocketTestCase):

    with_http = False
    ws_extra = """
        max_frame_size = 4096
        max_requests_per_second = 5
        rate_limit_burst = 5
        idle_timeout = 1
        max_connections = 3
        """

    def closed(self, ws: Client, timeout: float = 10) -> ConnectionClosed:
        """Read until the server closes; the close exception."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                ws.ws.recv(timeout=deadline - time.monotonic())
            except ConnectionClosed as exc:
                return exc
        self.fail('the server did not close the connection')

    def test_a_frame_over_the_limit_closes_with_1009(self):
        ws = self.client()
        ws.send_raw('x' * 5000)
        exc = self.closed(ws)
        self.assertEqual(1009, exc.rcvd.code)

    def test_a_frame_under_the_limit_is_served(self):
        ws = self.client()
        status, _ = ws.call('message_post', {
            'queue_name': 'q', 'messages': [{'body': 'y' * 3000}]})
        self.assertEqual(201, status)

    def test_requests_over_the_rate_get_429_and_the_connection_lives(self):
        ws = self.client()
        for _ in range(8):
            ws.send_raw(PING)
        statuses = [ws.recv()['headers']['status'] for _ in range(8)]
        # The burst is served; past it (a slow machine may refill a token
        # meanwhile) requests are refused, not run.
        self.assertEqual([204] * 5, statuses[:5])
        self.assertIn(429, statuses)
        self.assertLessEqual(set(statuses), {204, 429})
        time.sleep(0.5)
        self.assertEqual(204, ws.call('ping_node')[0])

    def test_a_client_that_keeps_flooding_is_closed_with_1008(self):
        ws = self.client()
        exc = None
        for _ in range(60):
            try:
                ws.send_raw(PING)
            except ConnectionClosed as closed:
                # The server may close before the flood is all sent.
                exc = closed
                break
        exc = exc or self.closed(ws)
        self.assertEqual(1008, exc.rcvd.code)
        self.assertEqual('Rate limit exceeded.', exc.rcvd.reason)

    def test_an_idle_connection_is_closed_with_1000(self):
        ws = self.client()
        started = time.monotonic()
        exc = self.closed(ws)
        self.assertEqual((1000, 'Idle timeout.'),
                         (exc.rcvd.code, exc.rcvd.reason))
        self.assertLess(time.monotonic() - started, 5)

    def test_a_subscribed_connection_may_stay_quiet(self):
        ws = self.client()
        self.assertEqual(201, ws.call('subscription_create',
                                      {'queue_name': 'quiet'})[0])
        time.sleep(2.5)
        self.assertEqual(204, ws.call('ping_node')[0])

    def test_connections_over_the_limit_are_closed_with_1013(self):
        time.sleep(0.5)  # earlier tests' connections finish closing
        held = [self.client() for _ in range(3)]
        for ws in held:
            self.assertEqual(204, ws.call('ping_node')[0])
        extra = self.client()
        exc = self.closed(extra)
        self.assertEqual(1013, exc.rcvd.code)
