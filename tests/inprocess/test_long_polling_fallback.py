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

"""Long polling under a plain WSGI server (uWSGI, gunicorn): no event
loop to hand the wait to, so it blocks the request thread on the signal."""

from __future__ import annotations

import threading
import time

import testtools

from tests.inprocess import app as inprocess

MESSAGE = {'messages': [{'body': 'x', 'ttl': 300}]}


class FallbackWaitTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.app = inprocess.InProcessApp()
        self.addCleanup(self.app.close)

    def test_a_post_from_another_thread_ends_the_wait(self):
        def post():
            time.sleep(0.3)
            self.app.request('POST', '/v2/queues/lp/messages', MESSAGE,
                             headers={'Client-ID': '7' * 32})
        thread = threading.Thread(target=post)
        thread.start()
        started = time.monotonic()
        resp = self.app.request('GET', '/v2/queues/lp/messages?wait=10')
        thread.join()
        self.assertEqual(200, resp.status_int, resp.text)
        self.assertEqual(1, len(resp.json['messages']))
        self.assertLess(time.monotonic() - started, 5)

    def test_the_wait_ends_with_the_empty_answer(self):
        started = time.monotonic()
        listed = self.app.request('GET', '/v2/queues/lp/messages?wait=1')
        claimed = self.app.request('POST', '/v2/queues/lp/claims?wait=1',
                                   {'ttl': 60, 'grace': 60})
        self.assertGreaterEqual(time.monotonic() - started, 1.9)
        self.assertEqual((200, {'messages': [], 'links': []}),
                         (listed.status_int, listed.json))
        self.assertEqual(204, claimed.status_int)

    def test_a_bad_wait_is_a_400(self):
        for value in ('21', '-1', 'abc'):
            resp = self.app.request('GET',
                                    f'/v2/queues/lp/messages?wait={value}')
            self.assertEqual(400, resp.status_int, value)
            self.assertEqual({'title', 'description'}, set(resp.json))
