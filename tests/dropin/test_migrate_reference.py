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

"""Data the reference Zaqar 23.0.1 wrote is readable here after migration.

Each class runs the real reference server (its own virtualenv, see
reference.py) on one of its store layouts, posts through
python-zaqarclient, stops it, runs ``zaqar-manage migrate-reference
--from-config`` with the reference's config file, and reads everything back
through this service's HTTP API (python-zaqarclient again) and, for pools,
flavors and the catalog, its management store. A queue with
``_enable_encrypt_messages`` has its bodies sealed by the reference (with
the key its config names, or its built-in default); they must read back
plain, stored sealed with this service's key, or plain when it has none.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

import requests
import sqlalchemy as sa
from zaqarclient.queues.v2 import client as zaqar_client

from tests import backends
from tests.dropin import reference
from tests.functional import server as fserver
from zaqar.api import crypto

MESSAGES = 12
CLAIMED = 3
# One body of each JSON shape the reference seals differently (text is
# sealed as UTF-8, everything else as a pickle).
SEALED_BODIES = ['plain text', {'n': 1, 'nested': [1.5, None, True]},
                 [1, 'two'], 42]


def _client(url: str, project: str):
    return zaqar_client.Client(url, version=2, conf={
        'auth_opts': {'backend': 'noauth',
                      'options': {'os_project_id': project}}})


class _Migration:
    """The scenario; subclasses give the reference's store config."""

    pooled = False
    # Whether the reference's SQL schema is to be created first.
    sql_schema = False
    # [transport] message_encryption_key of the reference (None: unset, so
    # its built-in default) and of this service (None: no encryption).
    old_key: str | None = None
    new_key: str | None = 'new-service-key'

    @classmethod
    def reference_config(cls) -> str:
        raise NotImplementedError

    @classmethod
    def setUpClass(cls):
        try:
            cls._set_up_class()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def _set_up_class(cls):
        super().setUpClass()
        cls.tmp = tempfile.mkdtemp(prefix='zaqar-dropin-')
        cls.project = 'p' + uuid.uuid4().hex[:10]
        cls._cleanups_cls = []
        try:
            reference.ensure_venv()
        except reference.ReferenceUnavailable as exc:
            cls.setup_error = f'reference unavailable: {exc}'
            return
        cls.setup_error = cls.prepare_stores()
        if cls.setup_error:
            return
        config = cls.reference_config()
        if cls.old_key:
            config += f'[transport]\nmessage_encryption_key = {cls.old_key}\n'
        ref = reference.ReferenceServer(config)
        cls._cleanups_cls.append(ref.cleanup)
        try:
            if cls.sql_schema:
                ref.create_sql_schema()
            ref.start()
            cls.seen = cls.seed(ref)
            cls.sealed_in_reference = cls.sealed_bodies(ref.config)
        except reference.ReferenceUnavailable as exc:
            cls.setup_error = str(exc)
            return
        finally:
            ref.stop()
        cls.new_conf = os.path.join(cls.tmp, 'zaqar.conf')
        cls.db = f'sqlite:///{cls.tmp}/new.db'
        key_conf = (f'[transport]\nmessage_encryption_key = {cls.new_key}\n'
                    if cls.new_key else '')
        with open(cls.new_conf, 'w') as f:
            f.write(f'[drivers]\nmessage_store = sqlalchemy\n'
                    f'management_store = sqlalchemy\n'
                    f'[drivers:message_store:sqlalchemy]\nuri = {cls.db}\n'
                    f'[drivers:management_store:sqlalchemy]\n'
                    f'uri = {cls.db}\n{key_conf}')
        cls.wrong_key_run = None
        if cls.old_key:
            # A first run with an old config that forgot the key (same
            # file name, so the runs share the default state file).
            os.makedirs(os.path.join(cls.tmp, 'forgetful'))
            forgetful = os.path.join(cls.tmp, 'forgetful',
                                     os.path.basename(ref.config))
            with open(ref.config) as src, open(forgetful, 'w') as out:
                out.write(src.read().replace(
                    f'message_encryption_key = {cls.old_key}', ''))
            cls.wrong_key_run = cls.migrate(forgetful)
        cls.runs = [cls.migrate(ref.config) for _ in range(2)]
        cls.server = fserver.Server(cls.db, extra_conf=key_conf).start()
        cls._cleanups_cls.append(cls.server.stop)

    @classmethod
    def tearDownClass(cls):
        for cleanup in reversed(cls._cleanups_cls):
            cleanup()
        shutil.rmtree(cls.tmp, ignore_errors=True)
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        if self.setup_error:
            backends.unavailable(self, 'reference', self.setup_error)

    @classmethod
    def prepare_stores(cls) -> str | None:
        return None

    @classmethod
    def sealed_bodies(cls, old_conf: str) -> int:
        """How many of the vault's bodies the reference stored sealed."""
        from zaqar.migrate import source as source_mod
        source = source_mod.Source(source_mod.load_config(old_conf))
        try:
            queue = next(q for q in source.queues()
                         if (q.project, q.name) == (cls.project, 'vault'))
            layout = source.layout_for(queue, source.placements())
            return sum(isinstance(m.body, bytes) for m in layout.messages(
                cls.project, 'vault', time.time()))
        finally:
            source.close()

    @classmethod
    def migrate(cls, old_conf: str) -> subprocess.CompletedProcess:
        env = dict(os.environ, ZAQAR_DATA_DIR=cls.tmp)
        return subprocess.run(
            [sys.executable, '-m', 'zaqar.cmd.manage', '--config-file',
             cls.new_conf, 'migrate-reference', '--from-config', old_conf],
            capture_output=True, text=True, env=env, timeout=600)

    @classmethod
    def seed(cls, ref) -> dict:
        """Write through the reference; return what it then showed."""
        zaqar = _client(ref.url, cls.project)
        queue = zaqar.queue('orders', force_create=True)
        queue.metadata(new_meta={'color': 'red', '_default_message_ttl': 900})
        queue.post([{'body': {'n': i}, 'ttl': 600 + i}
                    for i in range(MESSAGES)])
        claimed = [m.body['n'] for m in queue.claim(ttl=300, grace=60,
                                                    limit=CLAIMED)]
        other = zaqar.queue('audit', force_create=True)
        other.post([{'body': 'only', 'ttl': 3600}])
        subscription = zaqar.subscription(
            'orders', subscriber='http://hooks.example.com/orders',
            ttl=3600, options={'kind': 'webhook'})
        vault = zaqar.queue('vault', force_create=True)
        vault.metadata(new_meta={'_enable_encrypt_messages': True})
        vault.post([{'body': body, 'ttl': 3600} for body in SEALED_BODIES])
        return {'claimed': claimed, 'subscription': subscription.id}

    # Checks

    def test_both_runs_succeed_and_the_second_copies_nothing(self):
        first, second = self.runs
        self.assertEqual(0, first.returncode, first.stdout + first.stderr)
        self.assertEqual(0, second.returncode, second.stdout + second.stderr)
        self.assertIn('messages/s', first.stdout)
        self.assertIn(f'messages {self.project}/orders', first.stdout)
        self.assertIn('0 messages in', second.stdout)

    def test_queue_metadata_is_kept(self):
        zaqar = _client(self.server.url, self.project)
        metadata = zaqar.queue('orders').metadata()
        self.assertEqual('red', metadata['color'])
        self.assertEqual(900, metadata['_default_message_ttl'])
        names = sorted(q.name for q in zaqar.queues()[0])
        self.assertEqual(['audit', 'orders', 'vault'], names)

    def test_live_messages_are_copied_in_order_and_claims_hold(self):
        zaqar = _client(self.server.url, self.project)
        queue = zaqar.queue('orders')
        free = [m.body['n'] for m in queue.messages(echo=True)]
        expected = [n for n in range(MESSAGES)
                    if n not in self.seen['claimed']]
        self.assertEqual(expected, free)
        # What was claimed stays out of reach for the claim's remainder.
        taken = [m.body['n'] for m in queue.claim(ttl=60, grace=60,
                                                  limit=MESSAGES)]
        self.assertEqual(expected, taken)
        ttls = [m.ttl for m in queue.messages(echo=True,
                                              include_claimed=True)]
        self.assertTrue(all(500 <= t <= 700 for t in ttls), ttls)
        self.assertEqual(['only'], [m.body for m in
                                    zaqar.queue('audit').messages(echo=True)])

    def test_sealed_bodies_read_back_plain(self):
        self.assertEqual(len(SEALED_BODIES), self.sealed_in_reference)
        zaqar = _client(self.server.url, self.project)
        vault = zaqar.queue('vault')
        self.assertEqual(SEALED_BODIES,
                         [m.body for m in vault.messages(echo=True)])
        # Posting still works on the copied queue.
        vault.post([{'body': {'after': 'migration'}}])
        self.assertEqual({'after': 'migration'},
                         list(vault.messages(echo=True))[-1].body)
        self.assertEqual(bool(self.new_key), vault.metadata().get(
            '_enable_encrypt_messages', False))

    def test_sealed_bodies_are_stored_with_this_services_key(self):
        engine = sa.create_engine(self.db)
        try:
            with engine.connect() as conn:
                stored = [json.loads(row[0]) for row in conn.execute(sa.text(
                    'SELECT m.body FROM messages m JOIN queues q '
                    'ON q.id = m.queue_id WHERE q.project = :p AND '
                    "q.name = 'vault' ORDER BY m.seq"), {'p': self.project})]
        finally:
            engine.dispose()
        # The first ones are the reference's (a test may post more).
        copied = stored[:len(SEALED_BODIES)]
        self.assertEqual(len(SEALED_BODIES), len(copied))
        if not self.new_key:
            self.assertEqual(SEALED_BODIES, copied)
            return
        cipher = crypto.MessageCipher(self.new_key.encode())
        self.assertTrue(all(set(b) == {crypto.SEALED_KEY} for b in copied),
                        copied)
        self.assertEqual(SEALED_BODIES, [cipher.open(b) for b in copied])

    def test_subscriptions_are_copied(self):
        zaqar = _client(self.server.url, self.project)
        found = list(zaqar.subscriptions('orders'))
        self.assertEqual(1, len(found))
        self.assertEqual('http://hooks.example.com/orders',
                         found[0].subscriber)
        self.assertEqual('webhook', found[0].options['kind'])
        self.assertLessEqual(found[0].ttl, 3600)


def _mysql_database() -> tuple[str | None, str | None, object]:
    base = backends.url('mysql')
    if not backends.reachable(base):
        return None, f'{base} not reachable', None
    name = backends.unique_name('ref')
    admin = sa.create_engine(base, isolation_level='AUTOCOMMIT')
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE {name}'))

    def drop():
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS {name}'))
        admin.dispose()

    uri = sa.engine.make_url(base).set(database=name).render_as_string(
        hide_password=False)
    return uri, None, drop


def _redis_uri() -> tuple[str | None, str | None]:
    base = backends.url('redis')
    if not backends.reachable(base):
        return None, f'{base} not reachable'
    return f'{base}?dbid={1 + os.getpid() % 15}', None


class RedisLayoutTest(_Migration, unittest.TestCase):
    """Unpooled reference on Redis; its management store on MariaDB."""

    @classmethod
    def prepare_stores(cls):
        cls.redis, why = _redis_uri()
        return why

    @classmethod
    def reference_config(cls):
        return ('[DEFAULT]\nunreliable = true\n'
                '[drivers]\nmessage_store = redis\n'
                # The reference keeps its queue records there.
                'management_store = redis\n'
                f'[drivers:message_store:redis]\nuri = {cls.redis}\n'
                f'[drivers:management_store:redis]\nuri = {cls.redis}\n')


class MongoLayoutTest(_Migration, unittest.TestCase):
    """Unpooled reference on the MongoDB-wire server; its messages sealed
    with an operator key, this service configured without one."""

    old_key = 'old-operator-key'
    new_key = None

    def test_a_wrong_old_key_leaves_sealed_bodies_for_the_next_run(self):
        run = self.wrong_key_run
        self.assertEqual(1, run.returncode, run.stdout + run.stderr)
        self.assertIn(f'{self.project}/vault: message', run.stderr)
        self.assertIn('key does not open it', run.stderr)
        row = next(line for line in run.stdout.splitlines()
                   if line.startswith(f'messages {self.project}/vault'))
        self.assertEqual([str(len(SEALED_BODIES)), '0', '<'],
                         row.split()[-3:])
        # The right key's run copied just those (the reads check bodies).
        self.assertIn(f'{len(SEALED_BODIES)} messages in',
                      self.runs[0].stdout)

    @classmethod
    def prepare_stores(cls):
        cls.mongo = backends.url('mongodb')
        if not cls.mongo:
            return 'ZAQAR_TEST_MONGODB_URL is not set'
        cls.database = backends.unique_name('ref')
        return None

    @classmethod
    def reference_config(cls):
        return ('[DEFAULT]\nunreliable = true\n'
                '[drivers]\nmessage_store = mongodb\n'
                'management_store = mongodb\n'
                f'[drivers:message_store:mongodb]\nuri = {cls.mongo}\n'
                f'database = {cls.database}\n'
                f'[drivers:management_store:mongodb]\nuri = {cls.mongo}\n'
                f'database = {cls.database}m\n')

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, 'database', None):
            import pymongo
            client = pymongo.MongoClient(cls.mongo)
            for name in client.list_database_names():
                if name.startswith(cls.database):
                    client.drop_database(name)
            client.close()
        super().tearDownClass()


class PooledSqlLayoutTest(_Migration, unittest.TestCase):
    """Pooled reference: queues, pools, flavors and the catalog in its SQL
    management store (MariaDB), messages in a Redis pool."""

    pooled = True
    sql_schema = True

    @classmethod
    def prepare_stores(cls):
        cls.redis, why = _redis_uri()
        if why:
            return why
        cls.sql, why, drop = _mysql_database()
        if drop:
            cls._cleanups_cls.append(drop)
        return why

    @classmethod
    def reference_config(cls):
        return ('[DEFAULT]\nunreliable = true\npooling = true\n'
                'admin_mode = true\n'
                '[drivers]\nmessage_store = redis\n'
                'management_store = sqlalchemy\n'
                f'[drivers:message_store:redis]\nuri = {cls.redis}\n'
                f'[drivers:management_store:sqlalchemy]\nuri = {cls.sql}\n')

    @classmethod
    def seed(cls, ref):
        admin = {'Client-ID': str(uuid.uuid4()), 'X-Project-ID': cls.project,
                 'X-Roles': 'admin'}
        cls.pool = backends.unique_name('pool')
        resp = requests.put(f'{ref.url}/v2/pools/{cls.pool}', headers=admin,
                            json={'uri': cls.redis, 'weight': 10})
        if resp.status_code != 201:
            raise reference.ReferenceUnavailable(f'pool: {resp.text}')
        cls.flavor = backends.unique_name('flavor')
        resp = requests.put(f'{ref.url}/v2/flavors/{cls.flavor}',
                            headers=admin, json={'pool_list': [cls.pool]})
        if resp.status_code != 201:
            raise reference.ReferenceUnavailable(f'flavor: {resp.text}')
        return super().seed(ref)

    def test_pools_flavors_and_catalog_are_copied(self):
        from zaqar.storage.sqlalchemy import management
        store = management.ControlDriver(self.db)
        try:
            pool = store.pools_controller.get(self.pool)
            self.assertEqual(self.redis, pool.uri)
            self.assertEqual(10, pool.weight)
            self.assertEqual(self.flavor, pool.flavor)
            flavor = store.flavors_controller.get(self.flavor)
            self.assertEqual((self.pool,), tuple(flavor.pool_list))
            for queue in ('orders', 'audit'):
                self.assertEqual(self.pool, store.catalogue_controller.get(
                    self.project, queue))
        finally:
            store.close()

