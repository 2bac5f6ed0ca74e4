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

"""The ASGI-to-WSGI bridge with and without its thread pool."""

import asyncio
import json
import threading

import testtools

from zaqar.serving import bridge
from zaqar.serving.limits import ServingLimits


def _limits(threads: int) -> ServingLimits:
    return ServingLimits(max_body=1024, max_request_line=8190,
                         max_header_bytes=65536, header_timeout=5.0,
                         body_timeout=5.0, keepalive_timeout=5.0,
                         max_connections=16, threads=threads)


def _app(environ, start_response):
    """Echo the body and name the thread that ran the application."""
    body = environ['wsgi.input'].read()
    data = json.dumps({'thread': threading.current_thread().name,
                       'body': body.decode()}).encode()
    start_response('200 OK', [('Content-Type', 'application/json')])
    return [data]


async def _request(app, body: bytes):
    sent = []
    chunks = [{'type': 'http.request', 'body': body, 'more_body': False}]

    async def receive():
        return chunks.pop(0)

    async def send(message):
        sent.append(message)

    scope = {'type': 'http', 'method': 'POST', 'path': '/', 'raw_path': b'/',
             'query_string': b'', 'root_path': '', 'http_version': '1.1',
             'scheme': 'http', 'server': ('127.0.0.1', 8888),
             'client': ('127.0.0.1', 50000),
             'headers': [(b'content-length', str(len(body)).encode())]}
    await app(scope, receive, send)
    return sent


async def _shutdown(app):
    messages = [{'type': 'lifespan.shutdown'}]
    sent = []

    async def receive():
        return messages.pop(0)

    async def send(message):
        sent.append(message)

    await app({'type': 'lifespan'}, receive, send)
    return sent


class TestBridge(testtools.TestCase):

    def _run(self, threads: int):
        app = bridge.WSGIBridge(_app, _limits(threads))
        sent = asyncio.run(_request(app, b'hello'))
        shutdown = asyncio.run(_shutdown(app))
        self.assertEqual(200, sent[0]['status'])
        self.assertEqual([{'type': 'lifespan.shutdown.complete'}], shutdown)
        return json.loads(sent[1]['body'])

    def test_pool_thread_runs_the_application(self):
        answer = self._run(threads=1)
        self.assertEqual('hello', answer['body'])
        self.assertTrue(answer['thread'].startswith('zaqar-wsgi'),
                        answer['thread'])

    def test_zero_threads_runs_it_on_the_loop_thread(self):
        answer = self._run(threads=0)
        self.assertEqual('hello', answer['body'])
        self.assertEqual(threading.current_thread().name, answer['thread'])

    def test_body_over_the_limit_is_413_without_running_it(self):
        app = bridge.WSGIBridge(_app, _limits(0))
        sent = asyncio.run(_request(app, b'x' * 2048))
        self.assertEqual(413, sent[0]['status'])
        self.assertIn('title', json.loads(sent[1]['body']))
