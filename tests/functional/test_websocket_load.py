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

"""Load: many subscribed connections get every pushed message; idle connection cost.

Loopback only, bounded in count and time. Sizes come from the environment
(``ZAQAR_TEST_WS_CONNECTIONS``, default 200; ``ZAQAR_TEST_WS_MESSAGES``
per queue, default 10; ``ZAQAR_TEST_WS_IDLE``, default 2000). Run this
module as a script to print the measurements:

    python -m tests.functional.test_websocket_load
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import statistics
import time
import unittest
import uuid

import requests
from websockets.asyncio import client as ws_client

from tests.functional.test_websocket import WebSocketTestCase

CONNECTIONS = int(os.environ.get('ZAQAR_TEST_WS_CONNECTIONS', '200'))
MESSAGES_PER_QUEUE = int(os.environ.get('ZAQAR_TEST_WS_MESSAGES', '10'))
IDLE_CONNECTIONS = int(os.environ.get('ZAQAR_TEST_WS_IDLE', '2000'))
# Subscribers per queue: each message is pushed to this many sockets.
FAN_OUT = 5
# Upper bound for the whole push run (seconds).
DEADLINE = 120


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def _call(ws, action: str, headers: dict, body: dict) -> dict:
    await ws.send(json.dumps({'action': action, 'headers': headers,
                              'body': body}))
    return json.loads(await ws.recv())


class _Poster:
    """Posts over HTTP from a few threads, noting when each post started."""

    def __init__(self, url: str, project: str):
        self.url = url
        self.headers = {'Client-ID': str(uuid.uuid4()),
                        'X-Project-ID': project}
        self.started: dict[str, float] = {}
        self.session = requests.Session()

    def post(self, queue: str, body) -> None:
        start = time.monotonic()
        resp = self.session.post(
            f'{self.url}/v2/queues/{queue}/messages', headers=self.headers,
            json={'messages': [{'body': body}]}, timeout=30)
        resp.raise_for_status()
        for href in resp.json()['resources']:
            self.started[href.rsplit('/', 1)[1]] = start


async def push_run(ws_url: str, http_url: str, connections: int,
                   per_queue: int) -> dict:
    """Subscribe ``connections`` sockets (FAN_OUT per queue), post
    ``per_queue`` messages to each queue over HTTP, collect every push.

    :returns: measurements and what each socket received.
    """
    project = 'load-' + uuid.uuid4().hex[:8]
    headers = {'Client-ID': str(uuid.uuid4()), 'X-Project-ID': project}
    queues = [f'q{i}' for i in range(max(1, connections // FAN_OUT))]
    sockets = []
    for i in range(connections):
        ws = await ws_client.connect(ws_url, compression=None)
        queue = queues[i % len(queues)]
        resp = await _call(ws, 'subscription_create', headers,
                           {'queue_name': queue})
        assert resp['headers']['status'] == 201, resp
        sockets.append((ws, queue))
    expected = per_queue
    received: list[list[tuple[str, float]]] = [[] for _ in sockets]

    async def collect(index: int, ws) -> None:
        while len(received[index]) < expected:
            frame = json.loads(await ws.recv())
            received[index].append((frame['id'], time.monotonic()))

    poster = _Poster(http_url, project)
    loop = asyncio.get_running_loop()
    collectors = [asyncio.create_task(collect(i, ws))
                  for i, (ws, _) in enumerate(sockets)]
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        posts = [loop.run_in_executor(pool, poster.post, queue, n)
                 for n in range(per_queue) for queue in queues]
        await asyncio.gather(*posts)
    posted = time.monotonic()
    _, pending = await asyncio.wait(collectors, timeout=DEADLINE)
    for task in pending:
        task.cancel()
    finished = time.monotonic()
    for ws, _ in sockets:
        await ws.close()
    latencies = [at - poster.started[mid]
                 for got in received for mid, at in got]
    return {
        'connections': connections, 'queues': len(queues),
        'messages_posted': len(poster.started),
        'deliveries_expected': connections * per_queue,
        'deliveries': sum(len(got) for got in received),
        'post_seconds': round(posted - started, 2),
        'all_delivered_seconds': round(finished - started, 2),
        'latency_p50_ms': round(1000 * percentile(latencies, 0.5), 1),
        'latency_p99_ms': round(1000 * percentile(latencies, 0.99), 1),
        'received': received, 'sockets': [q for _, q in sockets],
    }


async def quiet_run(ws_url: str, http_url: str, posts: int = 40,
                    pause: float = 0.2) -> dict:
    """One subscriber; single posts spaced by ``pause``: latency of a
    queue that is mostly quiet (the push source reads it least often)."""
    project = 'quiet-' + uuid.uuid4().hex[:8]
    headers = {'Client-ID': str(uuid.uuid4()), 'X-Project-ID': project}
    ws = await ws_client.connect(ws_url, compression=None)
    await _call(ws, 'subscription_create', headers, {'queue_name': 'q'})
    poster = _Poster(http_url, project)
    loop = asyncio.get_running_loop()
    latencies = []
    for n in range(posts):
        await asyncio.sleep(pause)
        await loop.run_in_executor(None, poster.post, 'q', n)
        frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
        latencies.append(time.monotonic() - poster.started[frame['id']])
    await ws.close()
    return {'posts': posts, 'pause_seconds': pause,
            'latency_p50_ms': round(1000 * percentile(latencies, 0.5), 1),
            'latency_p99_ms': round(1000 * percentile(latencies, 0.99), 1),
            'latency_mean_ms': round(1000 * statistics.mean(latencies), 1)}


async def idle_run(ws_url: str, count: int, rss) -> dict:
    """Open ``count`` idle connections; server RSS before and after."""
    before = rss()
    sockets = []
    started = time.monotonic()
    for _ in range(count):
        sockets.append(await ws_client.connect(ws_url, compression=None,
                                               ping_interval=None))
    opened = time.monotonic() - started
    await asyncio.sleep(1)
    after = rss()
    headers = {'Client-ID': 'c', 'X-Project-ID': 'idle'}
    answered = 0
    for ws in sockets:
        resp = await _call(ws, 'ping_node', headers, {})
        answered += resp['headers']['status'] == 204
    for ws in sockets:
        await ws.close()
    return {'connections': count, 'answered': answered,
            'open_seconds': round(opened, 2), 'rss_before_kib': before,
            'rss_after_kib': after,
            'kib_per_connection': round((after - before) / count, 1)}


class PushLoadTest(WebSocketTestCase):

    def test_every_subscribed_connection_gets_every_message(self):
        result = asyncio.run(push_run(
            self.ws_server.url, self.http_server.url, CONNECTIONS,
            MESSAGES_PER_QUEUE))
        self.assertEqual(result['deliveries_expected'], result['deliveries'],
                         {k: v for k, v in result.items()
                          if k not in ('received', 'sockets')})
        for got in result['received']:
            ids = [mid for mid, _ in got]
            self.assertEqual(len(ids), len(set(ids)), 'duplicate push')
        # Sockets on one queue saw the same messages.
        by_queue: dict[str, list] = {}
        for queue, got in zip(result['sockets'], result['received']):
            by_queue.setdefault(queue, []).append({m for m, _ in got})
        for seen in by_queue.values():
            self.assertTrue(all(s == seen[0] for s in seen))
        self.assertLess(result['all_delivered_seconds'], DEADLINE)


class PollingPushLoadTest(PushLoadTest):
    """The same load on the polling push source (script mode only)."""

    ws_extra = 'push_source = poll'

    @classmethod
    def setUpClass(cls):
        if not os.environ.get('ZAQAR_TEST_WS_POLLING_LOAD'):
            raise unittest.SkipTest('set ZAQAR_TEST_WS_POLLING_LOAD=1 to run')
        super().setUpClass()


class IdleConnectionsTest(WebSocketTestCase):

    with_http = False

    def test_one_process_holds_many_idle_connections(self):
        result = asyncio.run(idle_run(self.ws_server.url, IDLE_CONNECTIONS,
                                      self.ws_server.rss_kib))
        self.assertEqual(IDLE_CONNECTIONS, result['answered'])
        # Generous bound: catches per-connection buffers or compression.
        self.assertLess(result['kib_per_connection'], 100, result)


def _measure() -> None:
    """Print push latency and idle-connection memory (script mode)."""
    os.environ['ZAQAR_TEST_WS_POLLING_LOAD'] = '1'
    def quiet(case):
        return quiet_run(case.ws_server.url, case.http_server.url)

    def load(case):
        return push_run(case.ws_server.url, case.http_server.url,
                        CONNECTIONS, MESSAGES_PER_QUEUE)

    def idle(case):
        return idle_run(case.ws_server.url, IDLE_CONNECTIONS,
                        case.ws_server.rss_kib)

    for case, run in ((PushLoadTest, quiet), (PushLoadTest, load),
                      (PollingPushLoadTest, quiet),
                      (PollingPushLoadTest, load),
                      (IdleConnectionsTest, idle)):
        case.setUpClass()
        try:
            result = asyncio.run(run(case))
        finally:
            case.tearDownClass()
        shown = {k: v for k, v in result.items()
                 if k not in ('received', 'sockets')}
        print(case.__name__, run.__name__, json.dumps(shown))


if __name__ == '__main__':
    if os.environ.get('ZAQAR_WS_LOAD_AS_TESTS'):
        unittest.main()
    else:
        _measure()
