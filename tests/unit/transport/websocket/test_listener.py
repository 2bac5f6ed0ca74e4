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

"""The push listener: what it accepts from the notifier and hands to sockets."""

from __future__ import annotations

import asyncio
import json
import time
import unittest

import requests

from zaqar.notification.tasks import push, webhook
from zaqar.transport.websocket import listener


class Target:
    def __init__(self):
        self.got: list[dict] = []

    def deliver(self, queue_name: str, messages: list[dict]) -> None:
        self.got.extend(messages)


class ListenerTest(unittest.TestCase):
    """A listener with one route, fed signed requests over real HTTP."""

    def setUp(self):
        super().setUp()
        self.loop = asyncio.new_event_loop()
        self.addCleanup(self.loop.close)
        self.source = listener.PipelinePushSource(None, None, '127.0.0.1')
        self.loop.run_until_complete(self._start())
        self.addCleanup(lambda: self.loop.run_until_complete(
            self.source.stop()))
        self.target = Target()
        route = listener._Route(None, 'q', self.target, 3600,
                                self.source.base_url + 'tok')
        route.secret = 'sekrit'
        self.source._routes['tok'] = route
        # Stored as zaqar-push://..., delivered to http://...
        self.assertTrue(self.source.base_url.startswith('zaqar-push://'))
        self.base = push.http_url(self.source.base_url)
        self.url = self.base + 'tok'

    async def _start(self):
        await self.source.start()

    def post(self, document, url: str | None = None, secret='sekrit',
             stamp: int | None = None, delivery='d1') -> int:
        body = json.dumps(document).encode()
        stamp = str(int(time.time()) if stamp is None else stamp)
        headers = {webhook.TIMESTAMP: stamp, webhook.DELIVERY: delivery,
                   webhook.SIGNATURE: webhook.sign(secret, stamp, body),
                   'Content-Type': 'application/json'}
        future = self.loop.run_in_executor(None, lambda: requests.post(
            url or self.url, data=body, headers=headers, timeout=5))
        status = self.loop.run_until_complete(future).status_code
        # Let the hand-over to the event loop run.
        self.loop.run_until_complete(asyncio.sleep(0.01))
        return status

    def test_a_signed_message_is_handed_to_the_socket_once(self):
        doc = {'id': 'm1', 'body': {'x': 1}, 'ttl': 60, 'queue_name': 'q'}
        self.assertEqual(204, self.post(doc))
        self.assertEqual(204, self.post(doc))  # the same delivery again
        self.assertEqual([doc], self.target.got)
        self.assertEqual(204, self.post(doc, delivery='d2'))
        self.assertEqual(2, len(self.target.got))

    def test_refusals(self):
        doc = {'id': 'm1', 'body': 1}
        self.assertEqual(401, self.post(doc, secret='wrong'))
        self.assertEqual(401, self.post(doc, stamp=int(time.time()) - 3600))
        self.assertEqual(404, self.post(doc, url=self.base + 'x'))
        self.assertEqual(404, self.post(doc, url=self.base[:-6]))
        self.assertEqual(400, self.post([1, 2]))
        self.assertEqual([], self.target.got)

    def test_a_route_still_being_set_up_asks_for_a_retry(self):
        self.source._routes['tok'].secret = None
        self.assertEqual(503, self.post({'id': 'm1', 'body': 1}))

    def test_confirmation_requests_are_acknowledged_not_pushed(self):
        self.assertEqual(204, self.post({
            'Message_Type': 'SubscriptionConfirmation', 'Message': 'hi'}))
        self.assertEqual([], self.target.got)

    def test_oversized_requests_are_refused(self):
        self.source._server.max_body = 10
        self.assertEqual(413, self.post({'id': 'm1', 'body': 'x' * 100}))
