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

"""[profiler] traces a signed request; [cache] keeps API nodes coherent."""

from __future__ import annotations

import os
import shutil
import tempfile
import unittest
import uuid
from urllib.parse import urlsplit

from osprofiler import profiler, web
from osprofiler.drivers import base as profiler_drivers

from tests import backends
from tests.functional import server as fserver
from tests.inprocess import app as inprocess
from zaqar.common import errors

HMAC_KEY = 'operability-profiler-key'


def _server(extra: str, tmp: str | None = None) -> fserver.Server:
    """A server on the SQLite store in ``tmp`` (a new folder if None)."""
    tmp = tmp or tempfile.mkdtemp(prefix='zaqar-prof-')
    srv = fserver.Server('sqlite:///' + os.path.join(tmp, 'z.db'),
                         'sqlalchemy')
    srv._tmp = tmp
    with open(srv.config, 'a') as f:
        f.write(extra)
    return srv


def _cleanup(case, srv: fserver.Server) -> None:
    case.addCleanup(shutil.rmtree, srv._tmp, True)
    case.addCleanup(shutil.rmtree, srv.dir, True)
    case.addCleanup(srv.stop)


PATCH = {'Content-Type': 'application/openstack-messaging-v2.0-json-patch'}
# Seconds each node's own queue-metadata memo would trust an entry: long,
# so that only a shared cache can make a change visible at once.
LOCAL_TTL = 300


class ProfilerTest(unittest.TestCase):
    """A zaqar-server reporting OSProfiler traces to Redis."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        url = backends.class_url('redis')
        # A test db number; trace keys carry each trace's unique id.
        cls.connection = f'{url.rstrip("/")}/{1 + os.getpid() % 15}'
        cls.srv = _server(
            f'\n[profiler]\nenabled = true\nhmac_keys = {HMAC_KEY}\n'
            f'connection_string = {cls.connection}\n'
            f'trace_wsgi_transport = true\ntrace_message_store = true\n')
        cls.addClassCleanup(shutil.rmtree, cls.srv._tmp, True)
        cls.addClassCleanup(shutil.rmtree, cls.srv.dir, True)
        cls.srv.start()
        cls.addClassCleanup(cls.srv.stop)

    def traced_request(self, key: str):
        profiler.init(key)
        self.addCleanup(profiler.clean)
        base_id = profiler.get().get_base_id()
        http = fserver.Client(self.srv.url)
        resp = http.put('/v2/queues/profiled',
                        headers=web.get_trace_id_headers())
        self.assertEqual(201, resp.status_code)
        return base_id

    def report(self, base_id: str) -> dict:
        driver = profiler_drivers.get_driver(self.connection)
        self.addCleanup(self._drop, driver, base_id)
        return driver.get_report(base_id)

    @staticmethod
    def _drop(driver, base_id):
        for key in driver.db.scan_iter(match=f'*{base_id}*'):
            driver.db.delete(key)

    def names(self, node: dict) -> set[str]:
        found = {node.get('info', {}).get('name')}
        for child in node.get('children', []):
            found |= self.names(child)
        return found

    def test_signed_request_is_traced_with_its_storage_calls(self):
        base_id = self.traced_request(HMAC_KEY)
        names = self.names(self.report(base_id))
        self.assertIn('wsgi', names)
        self.assertIn('storage', names)

    def test_request_signed_with_another_key_is_not_traced(self):
        base_id = self.traced_request('not-the-key')
        self.assertEqual({'total'}, self.names(self.report(base_id)))


class RefusedOptionsTest(unittest.TestCase):
    """Options a deployment may set that cannot be honoured stop the start."""

    def test_profiler_without_hmac_keys_is_refused(self):
        # The same start-up path, in this process (a server takes seconds
        # to give up on a worker that cannot boot). The app's directory is
        # made under one of ours, removed whatever happens.
        parent = tempfile.mkdtemp(prefix='zaqar-prof-')
        self.addCleanup(shutil.rmtree, parent, True)
        saved, tempfile.tempdir = tempfile.tempdir, parent
        try:
            with self.assertRaises(errors.ConfigError) as caught:
                inprocess.InProcessApp('\n[profiler]\nenabled = true\n')
        finally:
            tempfile.tempdir = saved
        self.assertIn('[profiler] enabled needs hmac_keys', str(caught.exception))


class SharedCacheTest(unittest.TestCase):
    """Two API processes on one store: a queue setting changed through one
    is enforced at once by the other with ``[cache]`` on Redis (and, the
    control, not without it)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        url = backends.class_url('redis')
        parts = urlsplit(url)
        cls.cache_conf = (
            '\n[cache]\nenabled = true\nbackend = dogpile.cache.redis\n'
            f'redis_server = {parts.hostname or "127.0.0.1"}:'
            f'{parts.port or 6379}\nredis_db = {1 + os.getpid() % 15}\n')

    def nodes(self, extra: str) -> tuple[fserver.Client, fserver.Client]:
        """Two started servers on one store; a client of each (one project)."""
        tmp = tempfile.mkdtemp(prefix='zaqar-cache-')
        conf = f'\n[transport]\nqueue_metadata_cache_ttl = {LOCAL_TTL}\n'
        servers = [_server(conf + extra, tmp) for _ in range(2)]
        for srv in servers:
            _cleanup(self, srv)
            srv.start()
        first = fserver.Client(servers[0].url)
        return first, fserver.Client(servers[1].url, project=first.project)

    def limit_through_one_post_through_other(self, extra: str) -> int:
        """The status of a post, through node B, over a size limit just
        set through node A (B had read the queue's settings before)."""
        node_a, node_b = self.nodes(extra)
        queue = 'c-' + uuid.uuid4().hex[:8]
        big = {'messages': [{'body': 'x' * 2000}]}
        self.assertEqual(201, node_b.post(f'/v2/queues/{queue}/messages',
                                          json=big).status_code)
        resp = node_a.patch(f'/v2/queues/{queue}', headers=PATCH, data=(
            '[{"op": "add", "path": "/metadata/_max_messages_post_size", '
            '"value": 1024}]'))
        self.assertEqual(200, resp.status_code, resp.text)
        return node_b.post(f'/v2/queues/{queue}/messages',
                           json=big).status_code

    def test_a_setting_changed_through_one_node_holds_at_once_on_the_other(
            self):
        self.assertEqual(400, self.limit_through_one_post_through_other(
            self.cache_conf))

    def test_without_the_shared_cache_the_other_node_trusts_its_copy(self):
        self.assertEqual(201, self.limit_through_one_post_through_other(''))
