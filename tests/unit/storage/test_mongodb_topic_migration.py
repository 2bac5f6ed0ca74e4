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

"""The MongoDB driver brings a database of the layout before topics had a
scope (topics under the hidden project "\n" + project, no ``scope``
field, the old unique indexes) up to date on first use.

The old documents and indexes are written with pymongo, as the driver
stored them before; the migrated ones are read back through the driver.
"""

from __future__ import annotations

import datetime
import time

import testtools
from bson import ObjectId
from pymongo import ASCENDING, IndexModel

from tests import backends
from tests.unit.storage import topic_migration
from zaqar.storage import scope
from zaqar.storage.mongodb import driver as mongo_driver
from zaqar.storage.mongodb import indexes

HOOK = 'http://example.com/hook'


class OldLayoutMigrationTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.backend = backends.MongoDBBackend(self)
        self.uri, self.options = self.backend.setup()
        self.addCleanup(self.backend.cleanup)
        self.db = self.backend._client[self.options['database']]

    def _old_layout(self) -> None:
        db = self.db
        db.queues.create_indexes([IndexModel(
            [('project', ASCENDING), ('name', ASCENDING)],
            name='queue_name', unique=True)])
        db.subscriptions.create_indexes([IndexModel(
            [('project', ASCENDING), ('queue', ASCENDING),
             ('subscriber', ASCENDING)],
            name='subscription_subscriber', unique=True)])
        now = time.time()
        later = datetime.datetime.fromtimestamp(now + 600,
                                                tz=datetime.timezone.utc)
        db.queues.insert_many([
            {'project': '\np', 'name': 't', 'metadata': '{"of":"topic"}',
             'counter': 0, 'created': now},
            {'project': 'p', 'name': 't', 'metadata': '{"of":"queue"}',
             'counter': 0, 'created': now}])
        self.topic_sub, self.queue_sub = ObjectId(), ObjectId()
        db.subscriptions.insert_many([
            {'_id': self.topic_sub, 'project': '\np', 'queue': 't',
             'subscriber': HOOK, 'ttl': 600, 'created': now,
             'expires': later, 'options': '{}', 'confirmed': False,
             'secret': 'topic-secret'},
            {'_id': self.queue_sub, 'project': 'p', 'queue': 't',
             'subscriber': HOOK, 'ttl': 600, 'created': now,
             'expires': later, 'options': '{}', 'confirmed': False}])
        db.deliveries.insert_one({
            '_id': ObjectId(), 'project': '\np', 'queue': 't',
            'subscription_id': str(self.topic_sub), 'kind': 'message',
            'payload': '{"id":"m","ttl":60,"body":1}', 'created': now,
            'due': now, 'attempts': 0, 'lease': None, 'last_error': None})

    def test_old_topics_are_read_in_the_topic_scope(self):
        self._old_layout()
        driver = mongo_driver.DataDriver(self.uri, self.options)
        self.addCleanup(driver.close)
        topic_migration.assert_topic_scope(
            self, driver, str(self.topic_sub), str(self.queue_sub))
        queues, T = driver.queue_controller, scope.TOPIC
        # Done once: the old indexes are gone, the new ones in place, and
        # a second driver finds nothing left to move.
        self.assertNotIn('queue_name', self.db.queues.index_information())
        self.assertIn('queue_scope_name', self.db.queues.index_information())
        self.assertEqual(0, indexes.migrate_topic_scope(self.db))
        self.assertTrue(queues.create('u', project='p', scope=T))
        self.assertTrue(queues.create('u', project='p'))
