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

"""MongoDB driver pieces that need no server: codec, retries, options."""

from __future__ import annotations

import datetime
import time

import testtools
from bson import ObjectId
from pymongo import errors as mongo_errors

from zaqar.storage import errors
from zaqar.storage.mongodb import codec, indexes, resilience
from zaqar.storage.mongodb import driver as mongo_driver


class CodecTest(testtools.TestCase):

    def test_to_oid_accepts_only_24_hex_strings(self):
        oid = ObjectId()
        self.assertEqual(oid, codec.to_oid(str(oid)))
        for bad in (None, '', 'nonexist', 'z' * 24, '0' * 23, 'f' * 32,
                    12, b'abcdefghijkl', str(oid) + ' ', ['x']):
            self.assertIsNone(codec.to_oid(bad), repr(bad))

    def test_to_oids_drops_malformed_ids(self):
        good = [str(ObjectId()), str(ObjectId())]
        self.assertEqual([ObjectId(g) for g in good],
                         codec.to_oids([good[0], 'bad', None, good[1]]))
        self.assertEqual([], codec.to_oids(None))

    def test_to_date_is_naive_utc_at_millisecond_precision(self):
        value = codec.to_date(1_700_000_000.123456)
        self.assertEqual(datetime.datetime(2023, 11, 14, 22, 13, 20, 123000),
                         value)
        self.assertIsNone(value.tzinfo)

    def test_json_round_trips_what_bson_keys_cannot_hold(self):
        value = {'$set': 1, 'a.b': [2 ** 70, -2 ** 65], '': None,
                 'x': {'$in': 'h\u00e9llo \U0001f600'}, 'f': 1.5}
        self.assertEqual(value, codec.load_json(codec.dump_json(value)))
        self.assertEqual({}, codec.load_json(None, {}))

    def test_age_is_whole_seconds_and_never_negative(self):
        self.assertEqual(2, codec.age(100.0, 102.9))
        self.assertEqual(0, codec.age(100.0, 99.0))


class _FakeDriver:
    """Just what resilience.retried reads from a driver."""

    def __init__(self, attempts: int):
        self.retry_policy = resilience.RetryPolicy(
            max_attempts=attempts, max_sleep=0.001, jitter=0.0)
        self.ready_calls = 0

    def ensure_ready(self):
        self.ready_calls += 1


class _Controller:
    def __init__(self, failures, attempts=5):
        self._driver = _FakeDriver(attempts)
        self.failures = list(failures)
        self.calls = 0

    @resilience.retried
    def operation(self):
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return 'done'


class RetryTest(testtools.TestCase):

    def test_lost_connections_are_retried_until_success(self):
        controller = _Controller([mongo_errors.AutoReconnect('x'),
                                  mongo_errors.NotPrimaryError('y')])
        self.assertEqual('done', controller.operation())
        self.assertEqual(3, controller.calls)

    def test_retries_are_bounded_by_max_attempts(self):
        controller = _Controller([mongo_errors.AutoReconnect('x')] * 10,
                                 attempts=2)
        self.assertRaises(errors.StorageUnavailable, controller.operation)
        self.assertEqual(3, controller.calls)

    def test_server_selection_timeout_fails_at_once(self):
        controller = _Controller(
            [mongo_errors.ServerSelectionTimeoutError('gone')])
        self.assertRaises(errors.StorageUnavailable, controller.operation)
        self.assertEqual(1, controller.calls)

    def test_other_pymongo_errors_become_storage_unavailable(self):
        controller = _Controller([mongo_errors.OperationFailure('boom')])
        self.assertRaises(errors.StorageUnavailable, controller.operation)

    def test_contract_errors_pass_through(self):
        controller = _Controller([errors.QueueDoesNotExist('q', 'p')])
        self.assertRaises(errors.QueueDoesNotExist, controller.operation)

    def test_backoff_is_capped(self):
        policy = resilience.RetryPolicy(max_sleep=0.1, jitter=0.0)
        self.assertLessEqual(policy.pause(1), policy.pause(3))
        self.assertEqual(0.1, policy.pause(50))


class DriverOptionsTest(testtools.TestCase):
    """Building a driver connects to nothing (pymongo connects lazily)."""

    def _driver(self, uri='mongodb://127.0.0.1:1', **options):
        driver = mongo_driver.DataDriver(uri, options)
        self.addCleanup(driver.close)
        return driver

    def test_database_from_options_then_uri_then_default(self):
        self.assertEqual('mine', self._driver(database='mine').database.name)
        self.assertEqual('fromuri', self._driver(
            'mongodb://127.0.0.1:1/fromuri').database.name)
        self.assertEqual('zaqar', self._driver().database.name)

    def test_write_concern_accepts_numbers_and_tags(self):
        self.assertEqual({'w': 2}, self._driver(
            write_concern='2').database.write_concern.document)
        self.assertEqual({'w': 'majority'},
                         self._driver().database.write_concern.document)

    def test_retry_options_reach_the_policy(self):
        driver = self._driver(max_attempts=3, max_retry_sleep=0.5)
        self.assertEqual(3, driver.retry_policy.max_attempts)
        self.assertEqual(0.5, driver.retry_policy.max_sleep)

    def test_replicaset_and_tls_options_reach_the_client(self):
        kwargs = mongo_driver.DataDriver._client_kwargs(
            {'replicaset': 'rs0', 'ssl': True, 'ssl_ca_certs': '/ca.pem',
             'ssl_certfile': '/cert.pem'})
        self.assertEqual('rs0', kwargs['replicaset'])
        self.assertIs(True, kwargs['tls'])
        self.assertEqual('/ca.pem', kwargs['tlsCAFile'])
        self.assertEqual('/cert.pem', kwargs['tlsCertificateKeyFile'])
        self.assertNotIn('tls', mongo_driver.DataDriver._client_kwargs({}))

    def test_unreachable_server_is_storage_unavailable_quickly(self):
        driver = self._driver(
            'mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=200')
        self.assertIs(False, driver.is_alive())
        started = time.monotonic()
        self.assertRaises(errors.StorageUnavailable,
                          driver.queue_controller.exists, 'q', project='p')
        self.assertRaises(errors.StorageUnavailable,
                          driver.message_controller.post, 'q',
                          [{'body': 1, 'ttl': 60}], project='p',
                          client_uuid='c')
        self.assertLess(time.monotonic() - started, 5)

    def test_malformed_settings_are_storage_errors(self):
        self.assertRaises(errors.StorageUnavailable, mongo_driver.DataDriver,
                          'notmongo://127.0.0.1:1', {})
        self.assertRaises(errors.StorageUnavailable, mongo_driver.DataDriver,
                          'mongodb://h:notaport', {})

    def test_every_collection_has_a_ttl_backstop_where_data_expires(self):
        for name in (indexes.MESSAGES, indexes.CLAIMS,
                     indexes.SUBSCRIPTIONS):
            ttl = [m.document for m in indexes.INDEXES[name]
                   if 'expireAfterSeconds' in m.document]
            self.assertEqual(1, len(ttl), name)
