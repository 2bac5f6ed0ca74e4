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

"""The app under test and the requests zaqar-bench sends, without a network.

``build`` makes the WSGI application exactly as the uWSGI/gunicorn entry
point does (``zaqar.cmd.common.build_wsgi_app``) from the pinned benchmark
config of tools/compare-upstream (Redis message store, SQLite management
store, auth off). ``call`` is a minimal WSGI server: an environ like the
one uWSGI builds from zaqar-bench's request, and the body read back.
"""

from __future__ import annotations

import io
import json
import os
import sys
import uuid
from typing import Callable, Iterator
from urllib.parse import urlsplit, parse_qs

# zaqar-bench's request shapes (zaqar/bench/workers.py).
from zaqar.bench.workers import CLAIM_BODY, CLAIM_LIMIT, batch_payload

BODY_SIZE = 256
PROJECT = 'bench-layers'
CLIENT_ID = str(uuid.UUID(int=0x5eed))


# The dbs this process found empty and uses: the only ones it may empty.
CLAIMED: set[str] = set()


def claim_db(redis_url: str) -> None:
    """Refuse a Redis db that holds anything: the tool empties the db it
    uses when it is done, and it must never be someone else's (tests and
    other tools share the server)."""
    import redis
    keys = redis.Redis.from_url(redis_url).dbsize()
    if keys:
        raise SystemExit(f'bench-layers: {redis_url} holds {keys} keys; '
                         f'name an empty db with --redis-url')
    CLAIMED.add(redis_url)


def build(redis_url: str, work_dir: str):
    """(app, service) on ``redis_url``, which must be empty."""
    claim_db(redis_url)
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))), 'upstream'))
    import services
    conf = os.path.join(work_dir, 'zaqar.conf')
    services.write_config(conf, redis_url,
                          os.path.join(work_dir, 'management.db'))
    os.environ['ZAQAR_DATA_DIR'] = os.path.join(work_dir, 'data')
    from zaqar.cmd import common
    try:
        from zaqar.transport.wsgi import stack as wsgi_app
    except ImportError:  # a tree from before the stack had its own module
        from zaqar.transport.wsgi import app as wsgi_app
    captured = {}
    make_app = wsgi_app.make_app

    def capture(service):
        captured['service'] = service
        return make_app(service)

    wsgi_app.make_app = capture
    # The service's log handlers bind to sys.stdout as it is now: keep the
    # report alone on stdout.
    stdout, sys.stdout = sys.stdout, sys.stderr
    try:
        app = common.build_wsgi_app([conf])
    finally:
        wsgi_app.make_app = make_app
        sys.stdout = stdout
    return app, captured['service']


def build_ceiling(redis_url: str):
    """The framework ceiling of compare-upstream (tools/upstream/ceiling.py:
    a Pecan hello-world with one Redis round trip per request), on
    ``redis_url`` (which must be empty)."""
    import importlib
    claim_db(redis_url)
    os.environ['ZAQAR_CEILING_REDIS'] = redis_url
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))), 'upstream'))
    return importlib.import_module('ceiling').application


def _environ(method: str, target: str, body: bytes | None) -> dict:
    parts = urlsplit(target)
    environ = {
        'REQUEST_METHOD': method,
        'SCRIPT_NAME': '',
        'PATH_INFO': parts.path,
        'QUERY_STRING': parts.query,
        'REQUEST_URI': target,
        'SERVER_NAME': '127.0.0.1',
        'SERVER_PORT': '8888',
        'SERVER_PROTOCOL': 'HTTP/1.1',
        'REMOTE_ADDR': '127.0.0.1',
        'HTTP_HOST': '127.0.0.1:8888',
        'HTTP_ACCEPT_ENCODING': 'identity',
        'HTTP_CLIENT_ID': CLIENT_ID,
        'HTTP_X_PROJECT_ID': PROJECT,
        'HTTP_ACCEPT': 'application/json',
        'CONTENT_TYPE': 'application/json',
        'HTTP_CONNECTION': 'close',
        'wsgi.version': (1, 0),
        'wsgi.url_scheme': 'http',
        'wsgi.input': io.BytesIO(body or b''),
        'wsgi.errors': sys.stderr,
        'wsgi.multithread': False,
        'wsgi.multiprocess': True,
        'wsgi.run_once': False,
    }
    if body is not None:
        environ['CONTENT_LENGTH'] = str(len(body))
    elif method in ('POST', 'PUT', 'PATCH'):
        environ['CONTENT_LENGTH'] = '0'
    return environ


class Reply:
    __slots__ = ('status', 'headers', 'body')

    def __init__(self, status: int, headers: list, body: bytes):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


def call(app, method: str, target: str, body: bytes | None = None,
         run: Callable | None = None) -> Reply:
    """One request through ``app`` (``run(app, environ, start)`` calls it,
    so the caller can time exactly the application's work)."""
    environ = _environ(method, target, body)
    seen: list = []

    def start_response(status, headers, exc_info=None):
        seen[:] = [status, headers]
        return lambda data: None

    result = (run or _run)(app, environ, start_response)
    return Reply(int(seen[0].split(' ', 1)[0]), seen[1], result)


def _run(app, environ, start_response) -> bytes:
    chunks = app(environ, start_response)
    try:
        return b''.join(chunks)
    finally:
        close = getattr(chunks, 'close', None)
        if close:
            close()


def _queue(name: str) -> str:
    return f'/v2/queues/{name}/messages'


def _expect(reply: Reply, status: int, what: str) -> Reply:
    if reply.status != status:
        raise RuntimeError(f'{what}: {reply.status} {reply.body[:300]!r}')
    return reply


def prefill(app, queue: str, count: int) -> None:
    """Post ``count`` messages to ``queue`` in batches of 10 (untimed)."""
    payload = batch_payload(10, BODY_SIZE)
    for _ in range(count // 10):
        _expect(call(app, 'POST', _queue(queue), payload), 201, 'prefill')


def post(app, queue: str, batch: int, count: int, run) -> Iterator[None]:
    """``count`` posts of ``batch`` messages: zaqar-bench's producer."""
    payload = batch_payload(batch, BODY_SIZE)
    for _ in range(count):
        _expect(call(app, 'POST', _queue(queue), payload, run), 201, 'post')
        yield


def consume(app, queue: str, claims: int, run_claim,
            run_delete) -> Iterator[None]:
    """zaqar-bench's consumer: claim 10, delete each with its claim id."""
    target = f'/v2/queues/{queue}/claims?limit={CLAIM_LIMIT}'
    for _ in range(claims):
        reply = _expect(call(app, 'POST', target, CLAIM_BODY, run_claim),
                        201, 'claim')
        for message in reply.json()['messages']:
            claim_id = parse_qs(urlsplit(message['href']).query)['claim_id']
            path = f'{_queue(queue)}/{message["id"]}?claim_id={claim_id[0]}'
            _expect(call(app, 'DELETE', path, None, run_delete), 204,
                    'delete')
        yield


def observe(app, queue: str, count: int, run) -> Iterator[None]:
    """zaqar-bench's observer: page through the queue, 10 at a time."""
    first = f'{_queue(queue)}?limit=10&echo=true'
    target = first
    for _ in range(count):
        reply = _expect(call(app, 'GET', target, None, run), 200, 'list')
        doc = reply.json()
        links = [link['href'] for link in doc.get('links', [])
                 if link.get('rel') == 'next']
        target = links[0] if doc['messages'] and links else first
        yield
