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

"""``zaqar-manage db sync`` turns topics stored under the hidden project
("\n" + project, the layout before revision 0005) into topic-scope rows.

The old rows are written with plain SQL, as the driver of revision 0003
stored them; the migrated ones are read back through the driver.
"""

from __future__ import annotations

import hashlib
import time

import sqlalchemy as sa

from tests.unit.storage import test_sqlalchemy_base as sql_base
from tests.unit.storage import topic_migration
from zaqar.storage import scope
from zaqar.storage.sqlalchemy import driver as sql_driver
from zaqar.storage.sqlalchemy import engine as sql_engine
from zaqar.storage.sqlalchemy import migration

HOOK = 'http://example.com/hook'


class TopicMigrationMixin:

    kind = ''

    def _old_rows(self, uri: str) -> None:
        engine = sql_engine.create_engine(uri)
        self.addCleanup(engine.dispose)
        migration.upgrade(engine, '0004')
        meta = sa.MetaData()
        meta.reflect(engine)
        now = time.time()
        hidden = '\n' + 'p'
        with engine.begin() as conn:
            conn.execute(meta.tables['queues'].insert(), [
                {'project': hidden, 'name': 't', 'metadata': '{"of":"topic"}',
                 'created': now},
                {'project': 'p', 'name': 't', 'metadata': '{"of":"queue"}',
                 'created': now}])
            qid = conn.execute(sa.select(meta.tables['queues'].c.id).where(
                meta.tables['queues'].c.project == 'p')).scalar()
            conn.execute(meta.tables['messages'].insert(), {
                'id': 'a' * 24, 'queue_id': qid, 'body': '1',
                'created': now, 'expires': now + 600, 'delay_until': now,
                'claim_count': 0})
            for project, sid in ((hidden, 's-topic'), ('p', 's-queue')):
                conn.execute(meta.tables['subscriptions'].insert(), {
                    'id': sid, 'project': project, 'queue': 't',
                    'subscriber': HOOK,
                    'subscriber_hash': hashlib.sha256(
                        HOOK.encode()).hexdigest(),
                    'ttl': 600, 'options': '{}', 'created': now,
                    'expires': now + 600, 'confirmed': False})
            conn.execute(meta.tables['deliveries'].insert(), {
                'project': hidden, 'queue': 't', 'subscription_id': 's-topic',
                'kind': 'message', 'payload': '{"id":"m","ttl":60,"body":1}',
                'created': now, 'due': now, 'attempts': 0})
            conn.execute(meta.tables['subscription_state'].insert(), {
                'project': hidden, 'queue': 't', 'subscription_id': 's-topic',
                'secret': 'topic-secret', 'failed': 0})

    def test_old_topics_are_read_in_the_topic_scope_after_db_sync(self):
        uri = self.database_uri(self.kind)
        self._old_rows(uri)
        engine = sql_engine.create_engine(uri)
        self.addCleanup(engine.dispose)
        migration.upgrade(engine)
        migration.upgrade(engine)  # idempotent: a second sync is a no-op
        self.assertEqual(migration.head(), migration.version(engine))
        driver = sql_driver.DataDriver(uri)
        self.addCleanup(driver.close)
        self.assertEqual(1, driver.delivery_controller.pending(
            't', project='p', scope=scope.TOPIC))
        topic_migration.assert_topic_scope(self, driver, 's-topic', 's-queue')
        queues, T = driver.queue_controller, scope.TOPIC
        self.assertEqual(['t'], [q.name for q in queues.list(
            project='p', scope=T)[0]])
        # The queue's message survived the table rebuilds.
        self.assertEqual(1, queues.stats('t', project='p').free)
        # New topics and queues of the same name coexist after the sync.
        self.assertTrue(queues.create('u', project='p', scope=T))
        self.assertTrue(queues.create('u', project='p'))


class SQLiteTopicMigrationTest(TopicMigrationMixin, sql_base.SQLTestCase):
    kind = 'sqlite'


class PostgreSQLTopicMigrationTest(TopicMigrationMixin,
                                   sql_base.SQLTestCase):
    kind = 'postgresql'


class MySQLTopicMigrationTest(TopicMigrationMixin, sql_base.SQLTestCase):
    kind = 'mysql'
