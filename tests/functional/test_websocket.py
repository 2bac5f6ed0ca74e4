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

"""The WebSocket API (spec section 14) end to end, over a raw client.

A real ``zaqar-websocket`` runs in a subprocess on a free port, sharing
its SQLite database with a real ``zaqar-server`` (HTTP). The helpers here
are used by the other ``test_websocket_*`` modules too.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest
import uuid

import msgpack
import requests
from websockets.sync import client as ws_client

from tests.functional import server as fserver


class WebSocketServer:
    """``zaqar-websocket`` on a free port with the given config files."""

    def __init__(self, config: str, extra: str = '', directory: str = ''):
        self.dir = directory or tempfile.mkdtemp(prefix='zaqar-ws-')
        self.port = fserver.free_port()
        self.url = f'ws://127.0.0.1:{self.port}'
        self.configs = [config]
        self.ws_config = os.path.join(self.dir, f'ws-{self.port}.conf')
        with open(self.ws_config, 'w') as f:
            f.write(f'[DEFAULT]\nlog_file = {self.dir}/zaqar-ws-'
                    f'{self.port}.log\n\n[drivers:transport:websocket]\n'
                    f'{textwrap.dedent(extra).strip()}\n')
        self.configs.append(self.ws_config)
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60.0) -> WebSocketServer:
        args = [sys.executable, '-m', 'zaqar.cmd.websocket',
                '--port', str(self.port)]
        for path in self.configs:
            args += ['--config-file', path]
        self.stderr = os.path.join(self.dir, f'ws-{self.port}.stderr')
        # Open for the server's lifetime; closed by stop().
        self._stderr = open(self.stderr, 'w')  # noqa: SIM115
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL,
                                        stderr=self._stderr)
        health = f'http://127.0.0.1:{self.port}/healthcheck'
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError('zaqar-websocket exited: ' + self.log())
            try:
                if requests.get(health, timeout=1).status_code == 200:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError('zaqar-websocket did not start: ' + self.log())

    def log(self) -> str:
        with open(self.stderr) as f:
            return f.read()[-3000:]

    def rss_kib(self) -> int:
        with open(f'/proc/{self.process.pid}/status') as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1])
        raise RuntimeError('no VmRSS')

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None:
            self._stderr.close()


class Client:
    """A raw WebSocket client speaking the section 14 envelope."""

    def __init__(self, url: str, project: str | None = None,
                 client_id: str | None = None, binary: bool = False):
        self._stack = contextlib.ExitStack()
        self.ws = self._stack.enter_context(ws_client.connect(
            url, max_size=None))
        self.project = project or 'p-' + uuid.uuid4().hex[:12]
        self.client_id = client_id or str(uuid.uuid4())
        self.binary = binary

    @property
    def headers(self) -> dict:
        return {'Client-ID': self.client_id, 'X-Project-ID': self.project}

    def send_raw(self, frame) -> None:
        self.ws.send(frame)

    def recv(self, timeout: float | None = 10):
        frame = self.ws.recv(timeout=timeout)
        if isinstance(frame, bytes):
            return msgpack.unpackb(frame, raw=False)
        return json.loads(frame)

    def request(self, document, binary: bool | None = None) -> dict:
        binary = self.binary if binary is None else binary
        self.ws.send(msgpack.packb(document) if binary
                     else json.dumps(document))
        return self.recv()

    def call(self, action: str, body: dict | None = None,
             headers: dict | None = None, **kw) -> tuple[int, object]:
        doc = {'action': action, 'headers': headers or self.headers}
        if body is not None:
            doc['body'] = body
        resp = self.request(doc, **kw)
        return resp['headers']['status'], resp['body']

    def close(self) -> None:
        self._stack.close()


class WebSocketTestCase(unittest.TestCase):
    """An HTTP server and a WebSocket server on one SQLite database."""

    ws_extra = ''
    # Config both servers read (extra_conf of tests.functional.server).
    http_extra = ''
    with_http = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._tmp = tempfile.mkdtemp(prefix='zaqar-ws-db-')
        uri = 'sqlite:///' + os.path.join(cls._tmp, 'zaqar.db')
        cls.http_server = fserver.Server(uri, 'sqlalchemy',
                                         extra_conf=cls.http_extra)
        try:
            if cls.with_http:
                cls.http_server.start()
            cls.ws_server = WebSocketServer(cls.http_server.config,
                                            cls.ws_extra, cls._tmp).start()
        except Exception:
            cls.http_server.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.ws_server.stop()
        cls.http_server.stop()
        shutil.rmtree(cls._tmp, ignore_errors=True)
        shutil.rmtree(cls.http_server.dir, ignore_errors=True)
        super().tearDownClass()

    def client(self, **kw) -> Client:
        client = Client(self.ws_server.url, **kw)
        self.addCleanup(client.close)
        return client

    def http(self, project: str) -> fserver.Client:
        return fserver.Client(self.http_server.url, project=project)


class EnvelopeTest(WebSocketTestCase):
    """Framing, echo and the error envelopes of section 14."""

    with_http = False

    def test_response_echoes_the_request_with_the_api_version(self):
        ws = self.client()
        request = {'action': 'queue_create', 'headers': ws.headers,
                   'body': {'queue_name': 'echoed'}}
        resp = ws.request(request)
        self.assertEqual(dict(request, api='v2'), resp['request'])
        self.assertEqual({'status': 201}, resp['headers'])
        self.assertEqual('Queue echoed created.', resp['body'])

    def test_undecodable_text_frame_is_answered_and_connection_lives(self):
        ws = self.client()
        ws.send_raw('{not json')
        resp = ws.recv()
        self.assertEqual(400, resp['headers']['status'])
        self.assertTrue(resp['body']['error'].startswith(
            "Can't decode text (JSON) request. JSONDecodeError: "))
        self.assertEqual({'action': None, 'body': {}, 'headers': None,
                          'api': 'v2'}, resp['request'])
        self.assertEqual(204, ws.call('ping_node')[0])

    def test_undecodable_binary_frame_gets_a_binary_answer(self):
        ws = self.client()
        ws.send_raw(b'\xc1\xff\x00')
        frame = ws.ws.recv(timeout=10)
        self.assertIsInstance(frame, bytes)
        resp = msgpack.unpackb(frame, raw=False)
        self.assertEqual(400, resp['headers']['status'])
        self.assertTrue(resp['body']['error'].startswith(
            "Can't decode binary (MessagePack) request. "))

    def test_msgpack_values_json_cannot_hold_are_refused(self):
        ws = self.client()
        status, body = ws.call('message_post', {
            'queue_name': 'bin', 'messages': [{'body': b'raw'}]},
            binary=True)
        self.assertEqual(400, status)
        self.assertIn("Can't decode binary (MessagePack) request.",
                      body['error'])

    def test_json_integers_beyond_64_bits_are_refused(self):
        ws = self.client()
        ws.send_raw('{"action": "ping_node", "headers": {}, "body": '
                    '{"n": 99999999999999999999}}')
        resp = ws.recv()
        self.assertEqual(400, resp['headers']['status'])
        self.assertIn('too large', resp['body']['error'])

    def test_non_object_request(self):
        ws = self.client()
        for frame in ('[1, 2]', '"text"', '5', 'null'):
            ws.send_raw(frame)
            resp = ws.recv()
            self.assertEqual(400, resp['headers']['status'])
            self.assertEqual({'error': 'Unexpected body type. Expected dict '
                                       'or dict like.'}, resp['body'])

    def test_unknown_or_missing_action(self):
        ws = self.client()
        self.assertEqual((400, {'error': 'bogus is not a valid action'}),
                         ws.call('bogus'))
        resp = ws.request({'headers': ws.headers})
        self.assertEqual({'error': 'None is not a valid action'},
                         resp['body'])
        resp = ws.request({'action': ['queue_list'], 'headers': ws.headers})
        self.assertEqual(400, resp['headers']['status'])

    def test_schema_failures(self):
        ws = self.client()
        failed = (400, {'error': 'Schema validation failed.'})
        resp = ws.request({'action': 'queue_list'})
        self.assertEqual(failed, (resp['headers']['status'], resp['body']))
        self.assertEqual(failed, ws.call('queue_list', headers={
            'Client-ID': ws.client_id}))
        self.assertEqual(failed, ws.call('queue_list', headers={
            'Client-ID': ws.client_id, 'X-Project-ID': ''}))
        self.assertEqual(failed, ws.call('queue_create', {}))
        self.assertEqual(failed, ws.call('queue_create'))
        self.assertEqual(failed, ws.call('queue_list', {'limit': 'abc'}))
        self.assertEqual(failed, ws.call('message_post', {
            'queue_name': 'q', 'messages': {'body': 1}}))
        self.assertEqual(failed, ws.call('message_get_many', {
            'queue_name': 'q', 'message_ids': [1]}))
        resp = ws.request({'action': 'queue_list', 'headers': ws.headers,
                           'body': []})
        self.assertEqual(failed, (resp['headers']['status'], resp['body']))

    def test_binary_requests_get_binary_responses(self):
        ws = self.client(binary=True)
        ws.ws.send(msgpack.packb({'action': 'message_post',
                                  'headers': ws.headers,
                                  'body': {'queue_name': 'mp', 'messages': [
                                      {'body': {'k': [1, 'two', None]}}]}}))
        frame = ws.ws.recv(timeout=10)
        self.assertIsInstance(frame, bytes)
        resp = msgpack.unpackb(frame, raw=False)
        self.assertEqual(201, resp['headers']['status'])
        self.assertEqual('v2', resp['request']['api'])
        status, body = ws.call('message_list', {'queue_name': 'mp',
                                                'echo': True})
        self.assertEqual(200, status)
        self.assertEqual({'k': [1, 'two', None]},
                         body['messages'][0]['body'])

    def test_node_actions(self):
        ws = self.client()
        self.assertEqual((204, {}), ws.call('ping_node'))
        status, home = ws.call('get_home_doc')
        self.assertEqual(200, status)
        self.assertEqual('/v2/queues/{queue_name}',
                         home['resources']['rel/queue']['href-template'])
        # Like GET /v2/health: routed only in admin mode.
        self.assertEqual(404, ws.call('check_node_health')[0])

    def test_authenticate_with_auth_off_is_accepted(self):
        ws = self.client()
        status, body = ws.call('authenticate', headers=dict(
            ws.headers, **{'X-Auth-Token': 'anything'}))
        self.assertEqual((200, {'message': 'Authentified.'}), (status, body))
        self.assertEqual(400, ws.call('authenticate')[0])


class ServerTransportFlagTest(unittest.TestCase):
    """``zaqar-server --transport websocket`` serves this API."""

    def test_zaqar_server_runs_the_websocket_transport(self):
        tmp = tempfile.mkdtemp(prefix='zaqar-ws-flag-')
        self.addCleanup(shutil.rmtree, tmp, True)
        config = os.path.join(tmp, 'zaqar.conf')
        with open(config, 'w') as f:
            f.write(f'[DEFAULT]\nlog_file = {tmp}/zaqar.log\n'
                    f'[drivers]\nmessage_store = sqlalchemy\n'
                    f'management_store = sqlalchemy\n'
                    f'[drivers:management_store:sqlalchemy]\n'
                    f'uri = sqlite:///{tmp}/z.db\n'
                    f'[drivers:message_store:sqlalchemy]\n'
                    f'uri = sqlite:///{tmp}/z.db\n')
        port = fserver.free_port()
        with open(os.path.join(tmp, 'stderr'), 'w') as err:
            process = subprocess.Popen(
                [sys.executable, '-m', 'zaqar.cmd.server', '--transport',
                 'websocket', '--port', str(port), '--config-file', config],
                stdout=subprocess.DEVNULL, stderr=err)
        self.addCleanup(process.wait, 15)
        self.addCleanup(process.terminate)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                ws = Client(f'ws://127.0.0.1:{port}')
                break
            except OSError:
                self.assertIsNone(process.poll())
                time.sleep(0.2)
        self.addCleanup(ws.close)
        self.assertEqual((204, {}), ws.call('ping_node'))


class StorageFailureTest(unittest.TestCase):
    """A storage failure is 503 over WebSocket, as over HTTP (never 500)."""

    @classmethod
    def setUpClass(cls):
        cls._tmp = tempfile.mkdtemp(prefix='zaqar-ws-down-')
        config = os.path.join(cls._tmp, 'zaqar.conf')
        with open(config, 'w') as f:
            # Nothing listens on port 1: every storage call fails fast.
            f.write('[drivers]\nmessage_store = redis\n'
                    '[drivers:message_store:redis]\n'
                    'uri = redis://127.0.0.1:1\nmax_reconnect_attempts = 1\n'
                    'reconnect_sleep = 0.1\n')
        cls.ws_server = WebSocketServer(config, '', cls._tmp).start()

    @classmethod
    def tearDownClass(cls):
        cls.ws_server.stop()
        shutil.rmtree(cls._tmp, ignore_errors=True)

    def test_unreachable_storage_is_503_with_the_http_wording(self):
        ws = Client(self.ws_server.url)
        self.addCleanup(ws.close)
        status, body = ws.call('queue_create', {'queue_name': 'q'})
        self.assertEqual(503, status)
        self.assertEqual('Queue could not be created. Please try again in a '
                         'few seconds.', body['error'])
        status, body = ws.call('message_post', {
            'queue_name': 'q', 'messages': [{'body': 1}]})
        self.assertEqual(503, status)
        self.assertEqual(503, ws.call('ping_node')[0])
