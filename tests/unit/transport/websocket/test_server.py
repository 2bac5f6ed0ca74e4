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

"""The server in-process on SQLite: closing paths that are slow to reach from outside."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import tempfile
import unittest

from oslo_config import cfg
from websockets.asyncio import client as ws_client
from websockets.exceptions import ConnectionClosed

from zaqar import conf as zconf
from zaqar.api import service as api_service
from zaqar.storage import loader
from zaqar.transport.websocket import server as ws_server


class InProcessServerTest(unittest.TestCase):

    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix='zaqar-ws-unit-')
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)
        conf = cfg.ConfigOpts()
        zconf.register_opts(conf)
        conf([])
        driver = loader.load_data_driver(
            'sqlalchemy', 'sqlite:///' + os.path.join(self.dir, 'z.db'), {})
        self.svc = api_service.Service(conf, driver)

    def run_with_server(self, scenario):
        async def main():
            server = ws_server.Server(self.svc, ws_server.Settings(
                push_source='poll'))
            (host, port, *_), *_ = await server.start('127.0.0.1', 0)
            try:
                return await scenario(server, f'ws://{host}:{port}')
            finally:
                await server.stop()
        return asyncio.run(main())

    def test_expired_authentication_closes_with_4003(self):
        async def scenario(server, url):
            async with ws_client.connect(url) as ws:
                await ws.send(json.dumps({'action': 'ping_node', 'headers': {
                    'Client-ID': 'c', 'X-Project-ID': 'p'}}))
                await ws.recv()
                connection, = server.connections
                connection._expired()  # what the expiry timer calls
                with self.assertRaises(ConnectionClosed) as caught:
                    await asyncio.wait_for(ws.recv(), 5)
                return caught.exception.rcvd
        close = self.run_with_server(scenario)
        self.assertEqual((4003, 'Authentication expired.'),
                         (close.code, close.reason))

    def test_stopping_the_server_says_going_away(self):
        async def scenario(server, url):
            ws = await ws_client.connect(url)
            await asyncio.sleep(0.05)
            stopping = asyncio.create_task(server.stop())
            with self.assertRaises(ConnectionClosed) as caught:
                await asyncio.wait_for(ws.recv(), 5)
            await stopping
            return caught.exception.rcvd
        close = self.run_with_server(scenario)
        self.assertEqual(1001, close.code)

    def test_healthcheck_answers_plain_http(self):
        async def scenario(server, url):
            host, port = url[len('ws://'):].split(':')
            reader, writer = await asyncio.open_connection(host, int(port))
            writer.write(b'GET /healthcheck HTTP/1.1\r\nHost: x\r\n\r\n')
            status = await reader.readline()
            writer.close()
            return status
        self.assertTrue(self.run_with_server(scenario).startswith(
            b'HTTP/1.1 200'))
