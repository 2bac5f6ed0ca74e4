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

"""SQL driver behaviour beyond the shared contract: gc, cascades, odd input."""

from __future__ import annotations

import time

import fixtures

from tests.unit.storage import test_sqlalchemy_base as sql_base
from zaqar.storage import errors
from zaqar.storage.sqlalchemy import driver as sql_driver


class DriverMixin:
    """Run against each database kind (``kind`` set by subclasses)."""

    kind = ''

    def setUp(self):
        super().setUp()
        self.driver = self.make_driver(self.kind)
        self.queues = self.driver.queue_controller
        self.messages = self.driver.message_controller
        self.claims = self.driver.claim_controller
        self.subscriptions = self.driver.subscription_controller

    def post(self, queue: str, count: int, ttl: int = 300,
             project: str = 'p') -> list[str]:
        return self.messages.post(
            queue, [{'body': {'n': i}, 'ttl': ttl} for i in range(count)],
            project=project, client_uuid='c')

    def test_gc_removes_expired_rows_in_batches_and_counts_them(self):
        self.useFixture(fixtures.MonkeyPatch(
            'zaqar.storage.sqlalchemy.driver.GC_BATCH', 3))
        self.post('q', 7, ttl=1)
        keep = self.post('q', 2, ttl=300)
        self.claims.create('q', project='p', ttl=1, grace=0, limit=1)
        self.subscriptions.create('q', 'http://gone', 1, {}, project='p')
        self.subscriptions.create('q', 'http://kept', 300, {}, project='p')
        time.sleep(1.5)
        # 7 messages, 1 claim, 1 subscription, over several batches.
        self.assertEqual(9, self.driver.gc())
        self.assertEqual(0, self.driver.gc())
        self.assertEqual(keep, [m.id for m in self.messages.list(
            'q', project='p', include_claimed=True)[0]])
        self.assertEqual(2, sql_base.count_rows(self.driver, 'messages'))
        self.assertEqual(0, sql_base.count_rows(self.driver, 'claims'))
        self.assertEqual(1, sql_base.count_rows(self.driver,
                                                'subscriptions'))

    def test_gc_on_a_clean_database_removes_nothing(self):
        self.post('q', 2)
        self.assertEqual(0, self.driver.gc())

    def test_queue_delete_removes_its_rows(self):
        self.post('q', 3)
        self.claims.create('q', project='p', ttl=60, grace=60, limit=2)
        self.subscriptions.create('q', 'http://x', 60, {}, project='p')
        self.post('other', 1)
        self.queues.delete('q', project='p')
        self.assertEqual(1, sql_base.count_rows(self.driver, 'messages'))
        self.assertEqual(0, sql_base.count_rows(self.driver, 'claims'))
        self.assertEqual(0, sql_base.count_rows(self.driver,
                                                'subscriptions'))

    def test_projects_differing_in_case_are_different_tenants(self):
        self.assertTrue(self.queues.create('q', project='Proj'))
        self.assertTrue(self.queues.create('q', project='proj'))
        self.post('q', 1, project='Proj')
        self.assertEqual(0, self.queues.stats('q', project='proj').total)

    def test_malformed_ids_are_not_found(self):
        self.post('q', 1)
        for bad in ('x', 'x' * 1000, '', '\x00', 'é', '1; DROP TABLE q'):
            self.assertRaises(errors.MessageDoesNotExist,
                              self.messages.get, 'q', bad, project='p')
            self.assertRaises(errors.ClaimDoesNotExist,
                              self.claims.get, 'q', bad, project='p')
            self.assertRaises(errors.SubscriptionDoesNotExist,
                              self.subscriptions.get, 'q', bad, project='p')
            self.assertEqual([], self.messages.bulk_get('q', [bad],
                                                        project='p'))
            self.messages.delete('q', bad, project='p')
            self.messages.bulk_delete('q', [bad], project='p')
            self.claims.delete('q', bad, project='p')
            self.subscriptions.delete('q', bad, project='p')
        self.assertEqual(1, self.queues.stats('q', project='p').total)

    def test_delete_with_a_malformed_claim_id_reports_no_such_claim(self):
        mid = self.post('q', 1)[0]
        self.assertRaises(errors.ClaimDoesNotExist, self.messages.delete,
                          'q', mid, project='p', claim_id='nope')

    def test_malformed_markers_never_fail(self):
        ids = self.post('q', 3)
        for marker in ('abc', '', '-5', '9' * 40, '-' + '9' * 40, '1.5'):
            page, _ = self.messages.list('q', project='p', marker=marker,
                                         echo=True, client_uuid='c')
            self.assertTrue(all(m.id in ids for m in page))
        page, marker = self.messages.list('q', project='p', marker='9' * 40)
        self.assertEqual(([], None), (page, marker))

    def test_like_wildcards_in_the_name_filter_match_literally(self):
        for name in ('a_b', 'axb', 'a%b', 'a.b', 'A_B'):
            self.queues.create(name, project='p')
        def names(f):
            return [q.name for q in self.queues.list(
                project='p', name=f, limit=20)[0]]
        self.assertEqual(['A_B', 'a_b'], names('_'))
        self.assertEqual(['a%b'], names('%'))
        self.assertEqual(['a.b'], names('.'))
        self.assertEqual(['A_B'], names('A'))
        self.assertEqual(1, self.queues.count(project='p', name='%'))

    def test_large_bodies_and_metadata_round_trip(self):
        body = {'text': 'é' * 100_000, 'list': list(range(1000))}
        mid = self.messages.post('q', [{'body': body, 'ttl': 60}],
                                 project='p', client_uuid='c')[0]
        self.assertEqual(body, self.messages.get('q', mid, project='p').body)
        meta = {f'k{i}': 'v' * 100 for i in range(1000)}
        self.queues.set_metadata('q', meta, project='p')
        self.assertEqual(meta, self.queues.get_metadata('q', project='p'))

    def test_dead_lettered_messages_go_to_the_end_of_the_target(self):
        self.queues.create('q', project='p', metadata={
            '_max_claim_count': 1, '_dead_letter_queue': 'dlq',
            '_dead_letter_queue_messages_ttl': 120})
        earlier = self.post('dlq', 1)
        moved = self.post('q', 1)
        cid, _ = self.claims.create('q', project='p', ttl=60, grace=60)
        self.claims.delete('q', cid, project='p')
        self.assertEqual((None, []), self.claims.create(
            'q', project='p', ttl=60, grace=60))
        listed = self.messages.list('dlq', project='p', echo=True)[0]
        self.assertEqual(earlier + moved, [m.id for m in listed])
        self.assertEqual(120, listed[1].ttl)
        self.assertEqual(1, listed[1].claim_count)

    def test_an_impossible_dead_letter_queue_name_disables_it(self):
        self.queues.create('q', project='p', metadata={
            '_max_claim_count': 1, '_dead_letter_queue': 'x' * 65})
        mid = self.post('q', 1)[0]
        for expected in (1, 2):
            cid, claimed = self.claims.create('q', project='p', ttl=60,
                                              grace=60)
            self.assertEqual([(mid, expected)],
                             [(m.id, m.claim_count) for m in claimed])
            self.claims.delete('q', cid, project='p')

    def test_two_drivers_on_one_database_see_each_other(self):
        other = self.make_driver(self.kind, self.driver.uri)
        ids = self.post('q', 2)
        _, claimed = other.claim_controller.create('q', project='p',
                                                   ttl=60, grace=60)
        self.assertEqual(ids, [m.id for m in claimed])

    def test_close_then_use_reconnects(self):
        self.post('q', 1)
        self.driver.close()
        self.assertEqual(1, self.queues.stats('q', project='p').total)


class SQLiteDriverTest(DriverMixin, sql_base.SQLTestCase):
    kind = 'sqlite'

    def test_default_uri_is_the_user_data_directory(self):
        directory = self.useFixture(fixtures.TempDir()).path
        self.useFixture(fixtures.EnvironmentVariable('ZAQAR_DATA_DIR',
                                                     directory))
        driver = sql_driver.DataDriver(None)
        self.addCleanup(driver.close)
        self.assertEqual(f'sqlite:///{directory}/zaqar.db', driver.uri)
        self.assertTrue(driver.queue_controller.create('q', project='p'))


class PostgreSQLDriverTest(DriverMixin, sql_base.SQLTestCase):
    kind = 'postgresql'


class MySQLDriverTest(DriverMixin, sql_base.SQLTestCase):
    kind = 'mysql'
