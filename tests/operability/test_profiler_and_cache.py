"""[profiler] (OSProfiler) traces a signed request; [cache] is refused."""

from __future__ import annotations

import os
import shutil
import tempfile
import unittest

from osprofiler import profiler, web
from osprofiler.drivers import base as profiler_drivers

from tests import backends
from tests.functional import server as fserver
from tests.inprocess import app as inprocess
from zaqar.common import errors

HMAC_KEY = 'operability-profiler-key'


def _server(extra: str) -> fserver.Server:
    tmp = tempfile.mkdtemp(prefix='zaqar-prof-')
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


class ProfilerTest(unittest.TestCase):
    """A zaqar-server reporting OSProfiler traces to Redis."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        url = backends.url('redis')
        if not backends.reachable(url):
            if backends.required():
                raise AssertionError(f'Redis unreachable at {url}')
            raise unittest.SkipTest(f'Redis unreachable at {url}')
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

    def assertRefused(self, extra: str, words: str):
        srv = _server(extra)
        _cleanup(self, srv)
        with self.assertRaises(RuntimeError) as caught:
            srv.start(timeout=30)
        self.assertIn(words, str(caught.exception))

    def test_shared_cache_is_refused(self):
        self.assertRefused('\n[cache]\nenabled = true\n'
                           'backend = dogpile.cache.memory\n',
                           '[cache] enabled = true: this service does not '
                           'use oslo.cache')

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
