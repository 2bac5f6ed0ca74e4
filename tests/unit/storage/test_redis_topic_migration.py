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

"""The Redis driver moves topics of the layout before scopes (under the
hidden project "\\n" + project) into the topic namespace on first use.

``redis_legacy_topics.json`` was dumped from the driver as it was before
(a topic with metadata, a subscription with a secret and one pending
delivery); the test writes it into a private redis-server, shifted to the
present, and reads it back through the current driver.
"""

from __future__ import annotations

import json
import os

import redis
import testtools

from tests.unit.storage.test_redis_server import start_private_redis
from zaqar.storage import scope
from zaqar.storage.redis import driver as redis_driver
from zaqar.storage.redis import keys, migration, records

FIXTURE = os.path.join(os.path.dirname(__file__), 'redis_legacy_topics.json')
PROJECT = 'legacyproj'
HIDDEN = '\n' + PROJECT
SUB_ID = '4565e85c-a837-4ebd-91de-40ded5a7f5e7'
# When the fixture was dumped (its delivery's created time).
DUMPED_AT = 1796407933.052


def _old_keys(topic_from: str = 'news', topic_to: str = 'news') -> dict:
    with open(FIXTURE, encoding='utf-8') as f:
        dump = json.load(f)
    shift = records.now() - DUMPED_AT
    out = {}
    for key, item in dump.items():
        value = item['value']
        if item['type'] == 'zset':
            value = [[m if m != topic_from else topic_to,
                      s if s == 0 else s + shift] for m, s in value]
        out[key.replace(f':{topic_from}', f':{topic_to}')] = (item['type'],
                                                              value)
    return out


def _write(client: redis.Redis, dump: dict) -> None:
    for key, (kind, value) in dump.items():
        if kind == 'hash':
            client.hset(key, mapping=value)
        elif kind == 'zset':
            client.zadd(key, {m: s for m, s in value})
        elif kind == 'set':
            client.sadd(key, *value)
        else:
            client.set(key, value)


class LegacyTopicMigrationTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.server = start_private_redis(self)
        self.client = redis.Redis(host='127.0.0.1', port=self.server.port)
        self.addCleanup(self.client.close)
        _write(self.client, _old_keys())

    def driver(self) -> redis_driver.DataDriver:
        driver = redis_driver.DataDriver(self.server.url, {})
        self.addCleanup(driver.close)
        return driver

    def assert_topic_moved(self, driver, topic: str = 'news') -> None:
        q = driver.queue_controller
        s = driver.subscription_controller
        dl = driver.delivery_controller
        kw = {'project': PROJECT, 'scope': scope.TOPIC}
        self.assertEqual({'of': 'topic'}, q.get_metadata(topic, **kw))
        self.assertFalse(q.exists(topic, project=PROJECT))
        self.assertFalse(q.exists(topic, project=HIDDEN))
        sub = s.get(topic, SUB_ID, **kw)
        self.assertEqual('http://example.com/hook', sub.subscriber)
        self.assertEqual({'k': 'v'}, sub.options)
        self.assertEqual(SUB_ID, s.get_with_subscriber(
            topic, 'http://example.com/hook', **kw).id)
        self.assertEqual('sekrit', dl.state(topic, SUB_ID, **kw).secret)

    def assert_no_hidden_keys(self):
        left = [k for k in self.client.keys('*') if b'\n' in k]
        self.assertEqual([], left)
        self.assertNotIn(HIDDEN.encode(), self.client.smembers(keys.PROJECTS))
        self.assertIn(PROJECT.encode(), self.client.smembers(keys.PROJECTS))

    def test_first_use_moves_the_topic_and_its_delivery(self):
        driver = self.driver()
        self.assert_topic_moved(driver)
        self.assert_no_hidden_keys()
        q, dl = driver.queue_controller, driver.delivery_controller
        topics, _ = q.list(project=PROJECT, scope=scope.TOPIC)
        self.assertEqual(['news'], [t.name for t in topics])
        self.assertEqual(0, q.count(project=PROJECT))
        self.assertEqual(1, dl.pending('news', project=PROJECT,
                                       scope=scope.TOPIC))
        leased = dl.lease(10, 60, project=PROJECT)
        self.assertEqual([(PROJECT, scope.TOPIC, 'news', SUB_ID, 1)],
                         [(d.project, d.scope, d.queue, d.subscription_id,
                           d.attempts) for d in leased])
        self.assertEqual({'id': 'm1', 'body': {'a': 1}, 'ttl': 300},
                         leased[0].payload)
        self.assertTrue(dl.fail(leased[0], 'refused'))
        self.assertEqual(1, dl.state('news', SUB_ID, project=PROJECT,
                                     scope=scope.TOPIC).failed)
        self.assertEqual(0, dl.pending('news', project=PROJECT,
                                       scope=scope.TOPIC))
        # Deleting the topic leaves nothing of it.
        q.delete('news', project=PROJECT, scope=scope.TOPIC)
        self.assertEqual([], [k for k in self.client.keys('*')
                              if b'news' in k])

    def test_rerun_finds_nothing(self):
        driver = self.driver()
        driver.queue_controller.exists('news', project=PROJECT)
        self.assertEqual(0, migration.migrate_topics(driver))
        self.assert_topic_moved(driver)

    def test_interrupted_migration_resumes(self):
        # A second topic (no delivery); the first was moved before the
        # process stopped.
        _write(self.client, {k: v for k, v in _old_keys('news', 'more')
                             .items() if ':more' in k and 'pend' not in k})
        self.client.zadd(keys.queue_index(HIDDEN), {'more': 0})
        first = self.driver()
        first.executor.before = None  # no migration on first use
        moved = first.executor.call(lambda w, r: w.script(
            'topic_migrate', migration.topic_keys(first, PROJECT, 'news'),
            ('news', PROJECT, keys.escape(PROJECT), HIDDEN)))
        self.assertEqual(1, moved)
        self.assertIsNotNone(self.client.zscore(keys.queue_index(HIDDEN),
                                                'more'))
        driver = self.driver()
        self.assertFalse(driver.queue_controller.exists('x', project='y'))
        for topic in ('news', 'more'):
            self.assert_topic_moved(driver, topic)
        self.assert_no_hidden_keys()
        # The delivery of 'news' moved once, with the first topic.
        self.assertEqual(1, driver.delivery_controller.pending(
            'news', project=PROJECT, scope=scope.TOPIC))
        self.assertEqual(0, driver.delivery_controller.pending(
            'more', project=PROJECT, scope=scope.TOPIC))

    def test_topic_created_meanwhile_keeps_its_own_record(self):
        driver = self.driver()
        driver.executor.before = None
        driver.queue_controller.create('news', project=PROJECT,
                                       scope=scope.TOPIC,
                                       metadata={'of': 'new'})
        self.assertEqual(1, migration.migrate_topics(driver))
        self.assertEqual({'of': 'new'}, driver.queue_controller.get_metadata(
            'news', project=PROJECT, scope=scope.TOPIC))
        self.assertEqual(SUB_ID, driver.subscription_controller.get(
            'news', SUB_ID, project=PROJECT, scope=scope.TOPIC).id)
        self.assert_no_hidden_keys()
