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

"""Pooled storage built from config, on each kind of management store."""

from __future__ import annotations

import os

from tests import backends, pooled_backend
from tests.unit.cmd import helpers
from tests.unit.storage.pooling import base
from zaqar import bootstrap
from zaqar.storage import control
from zaqar.storage.pooling import router


class PooledBootstrapTest(base.StoreTestCase):

    def conf(self, text: str):
        return helpers.load(helpers.write_config(self.dir, text))

    def check_router(self, conf) -> None:
        storage = bootstrap.storage_from_conf(conf)
        self.addCleanup(storage.close)
        self.assertIsInstance(storage, router.DataDriver)
        self.assertEqual(2.5, storage.catalog.ttl)
        self.assertTrue(storage.is_alive())
        storage.store.pools_controller.put(control.Pool(
            'only', self.sqlite_uri('only'), 1))
        storage.message_controller.post(
            'q', [{'body': 1, 'ttl': 60, 'delay': 0}], project='p',
            client_uuid='c')
        self.assertEqual('only', storage.store.catalogue_controller.get(
            'p', 'q'))
        self.assertEqual(1, storage.queue_controller.stats(
            'q', project='p').total)

    def test_sql_management_store(self):
        self.check_router(self.conf(f"""
            [DEFAULT]
            pooling = true
            [drivers]
            management_store = sqlalchemy
            [drivers:management_store:sqlalchemy]
            uri = sqlite:///{os.path.join(self.dir, 'm.db')}
            [pooling:catalog]
            cache_ttl = 2.5
            """))

    def test_redis_management_store(self):
        if not pooled_backend.have_redis_server():
            backends.unavailable(self, 'redis', 'redis-server not installed')
        os.makedirs(os.path.join(self.dir, 'redis'))
        server = pooled_backend.PrivateRedis(
            os.path.join(self.dir, 'redis')).start()
        self.addCleanup(server.stop)
        self.check_router(self.conf(f"""
            [DEFAULT]
            pooling = true
            [drivers]
            management_store = redis
            [drivers:management_store:redis]
            uri = {server.url}
            [pooling:catalog]
            cache_ttl = 2.5
            """))

    def test_an_unknown_management_store_is_a_config_error(self):
        conf = self.conf("""
            [DEFAULT]
            pooling = true
            [drivers]
            management_store = swift
            """)
        self.assertRaises(bootstrap.ConfigError, bootstrap.storage_from_conf,
                          conf)

    def test_mongodb_needs_a_uri(self):
        conf = self.conf("""
            [DEFAULT]
            pooling = true
            [drivers]
            management_store = mongodb
            """)
        error = self.assertRaises(bootstrap.ConfigError,
                                  bootstrap.storage_from_conf, conf)
        self.assertIn('drivers:management_store:mongodb', str(error))
