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

"""oslo.cache regions for the shared caches: in memory, Redis, memcached."""

from __future__ import annotations

import os
import shutil
import subprocess  # nosec B404 - starts a private memcached
import time
import uuid
from urllib.parse import urlsplit

import testtools
from oslo_config import cfg

from tests import backends
from tests.functional import server as fserver
from zaqar.api import metadata_cache
from zaqar.common import errors, shared_cache


def conf_with(**cache) -> cfg.ConfigOpts:
    """A ConfigOpts with ``[cache]`` set as given."""
    conf = cfg.ConfigOpts()
    shared_cache.region_from_conf(conf)  # registers [cache]
    conf([], project='zaqar', default_config_files=[])
    for name, value in cache.items():
        conf.set_override(name, value, group='cache')
    return conf


def dict_region(case: testtools.TestCase):
    """An enabled in-process region (oslo_cache.dict)."""
    region = shared_cache.region_from_conf(
        conf_with(enabled=True, backend='oslo_cache.dict'))
    case.assertIsNotNone(region)
    return region


class RegionTest(testtools.TestCase):

    def test_disabled_cache_gives_no_region(self):
        self.assertIsNone(shared_cache.region_from_conf(conf_with()))

    def test_a_backend_without_its_client_library_is_a_config_error(self):
        # pylibmc (a C extension) is not among the service's requirements.
        with testtools.ExpectedException(
                errors.ConfigError, r'.*dogpile\.cache\.pylibmc cannot be '
                                    r'loaded.*install its client library'):
            shared_cache.region_from_conf(conf_with(
                enabled=True, backend='dogpile.cache.pylibmc'))

    def test_entries_expire_after_their_ttl(self):
        entries = shared_cache.Shared(dict_region(self), 'kind', ttl=0.2)
        self.assertIs(shared_cache.MISSING, entries.get('p', 'q'))
        entries.set({'a': 1}, 'p', 'q')
        self.assertEqual({'a': 1}, entries.get('p', 'q'))
        self.assertIs(shared_cache.MISSING, entries.get('p', 'other'))
        time.sleep(1.1)  # creation times have one-second resolution
        self.assertIs(shared_cache.MISSING, entries.get('p', 'q'))

    def test_a_stale_write_back_is_removed_by_the_second_delete(self):
        entries = shared_cache.Shared(dict_region(self), 'kind', ttl=60)
        self.patch(shared_cache, 'REDELETE_AFTER', 0.1)
        entries.delete('p', 'q')
        # A reader that loaded before the change writes the old value.
        entries.set('old', 'p', 'q')
        time.sleep(0.5)
        self.assertIs(shared_cache.MISSING, entries.get('p', 'q'))

    def test_an_unreachable_backend_is_a_miss(self):
        # Nothing listens on port 9 of loopback (discard).
        region = shared_cache.region_from_conf(conf_with(
            enabled=True, backend='dogpile.cache.redis',
            redis_server='127.0.0.1:9', socket_timeout=0.5))
        entries = shared_cache.Shared(region, 'kind', ttl=60)
        entries.set(1, 'p', 'q')
        self.assertIs(shared_cache.MISSING, entries.get('p', 'q'))


class MetadataCacheTest(testtools.TestCase):
    """Two memos over one region behave like two API processes."""

    def test_a_change_through_one_is_seen_through_the_other(self):
        region = dict_region(self)
        mine = metadata_cache.MetadataCache(300, region, 600)
        theirs = metadata_cache.MetadataCache(300, region, 600)
        store = {'v': {'_default_message_ttl': 60}}
        self.assertEqual(store['v'], mine.get('p', 'q', lambda: store['v']))
        store['v'] = {'_default_message_ttl': 90}
        # Cached: the store is not read again...
        self.assertEqual(60, theirs.get(
            'p', 'q', lambda: store['v'])['_default_message_ttl'])
        # ...until a change through either memo drops the shared entry.
        mine.forget('p', 'q')
        self.assertEqual(90, theirs.get(
            'p', 'q', lambda: store['v'])['_default_message_ttl'])

    def test_without_a_region_each_memo_keeps_its_own(self):
        mine = metadata_cache.MetadataCache(300)
        theirs = metadata_cache.MetadataCache(300)
        mine.get('p', 'q', lambda: {'v': 1})
        theirs.get('p', 'q', lambda: {'v': 1})
        mine.forget('p', 'q')
        self.assertEqual({'v': 1}, theirs.get('p', 'q', lambda: {'v': 2}))

    def test_a_ttl_of_zero_reads_the_store_every_time(self):
        memo = metadata_cache.MetadataCache(0, dict_region(self), 600)
        self.assertIsNone(memo.shared)
        self.assertEqual(2, memo.get('p', 'q', lambda: 2))


class RedisRegionTest(testtools.TestCase):
    """dogpile.cache.redis on the machine's Redis: two regions, one data."""

    def setUp(self):
        super().setUp()
        url = backends.url('redis')
        if not backends.reachable(url):
            backends.unavailable(self, 'redis', f'unreachable at {url}')
        parts = urlsplit(url)
        conf = conf_with(enabled=True, backend='dogpile.cache.redis',
                         redis_server=f'{parts.hostname or "127.0.0.1"}:'
                                      f'{parts.port or 6379}',
                         redis_db=1 + os.getpid() % 15)
        # Each region has its own connection pool, like two processes.
        self.kind = 'test-' + uuid.uuid4().hex
        self.mine = shared_cache.Shared(
            shared_cache.region_from_conf(conf), self.kind, 600)
        self.theirs = shared_cache.Shared(
            shared_cache.region_from_conf(conf), self.kind, 600)
        self.addCleanup(self.mine.region.delete, self.mine._key(('p', 'q')))

    def test_entries_and_invalidations_are_shared(self):
        self.mine.set({'_max_messages_post_size': 1024}, 'p', 'q')
        self.assertEqual({'_max_messages_post_size': 1024},
                         self.theirs.get('p', 'q'))
        self.theirs.delete('p', 'q')
        self.assertIs(shared_cache.MISSING, self.mine.get('p', 'q'))


class MemcachedRegionTest(testtools.TestCase):
    """The memcached backends a reference zaqar.conf names, on a private
    memcached: what one region writes or drops, another sees."""

    def setUp(self):
        super().setUp()
        binary = shutil.which('memcached')
        if binary is None:
            backends.unavailable(self, 'memcached', 'no memcached binary')
        port = fserver.free_port()
        argv = [binary, '-l', '127.0.0.1', '-p', str(port), '-U', '0',
                '-m', '16']
        if os.geteuid() == 0:
            argv += ['-u', 'nobody']  # memcached will not run as root
        proc = subprocess.Popen(  # nosec B603 - fixed argv, no shell
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(proc.wait)
        self.addCleanup(proc.terminate)
        deadline = time.monotonic() + 10
        while not backends.reachable(f'tcp://127.0.0.1:{port}'):
            if time.monotonic() > deadline or proc.poll() is not None:
                self.fail('memcached did not start')
            time.sleep(0.05)
        self.server = f'127.0.0.1:{port}'

    def check(self, backend: str) -> None:
        conf = conf_with(enabled=True, backend=backend,
                         memcache_servers=[self.server])
        kind = 'test-' + uuid.uuid4().hex
        mine, theirs = (shared_cache.Shared(
            shared_cache.region_from_conf(conf), kind, 600)
            for _ in range(2))
        mine.set({'_default_message_ttl': 60}, 'p', 'q')
        self.assertEqual({'_default_message_ttl': 60}, theirs.get('p', 'q'))
        theirs.delete('p', 'q')
        self.assertIs(shared_cache.MISSING, mine.get('p', 'q'))

    def test_oslo_cache_memcache_pool(self):
        self.check('oslo_cache.memcache_pool')

    def test_dogpile_cache_memcached(self):
        self.check('dogpile.cache.memcached')

    def test_dogpile_cache_pymemcache(self):
        self.check('dogpile.cache.pymemcache')
