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

"""Exactly-once accounting of zaqar-bench."""

import pickle

import testtools

from zaqar.bench.accounting import Ledger, message_id


class TestMessageId(testtools.TestCase):

    def test_plain_href(self):
        self.assertEqual('abc', message_id('/v2/queues/q/messages/abc'))

    def test_claimed_href_drops_the_claim(self):
        self.assertEqual(
            'abc', message_id('/v2/queues/q/messages/abc?claim_id=c1'))


class TestVerdict(testtools.TestCase):

    def _ledger(self, posted, consumed, delivered=()):
        ledger = Ledger()
        ledger.post(posted)
        ledger.deliver(delivered or consumed)
        for mid in consumed:
            ledger.consume(mid)
        return ledger

    def test_each_posted_message_consumed_once_is_exactly_once(self):
        verdict = self._ledger(['a', 'b', 'c'], ['c', 'a', 'b']).verdict()
        self.assertTrue(verdict['exactly_once'])
        self.assertEqual(3, verdict['posted'])
        self.assertEqual(3, verdict['consumed'])
        self.assertEqual(0, verdict['duplicates'] + verdict['missing']
                         + verdict['unexpected'])

    def test_message_consumed_twice_is_a_duplicate(self):
        verdict = self._ledger(['a', 'b'], ['a', 'b', 'a']).verdict()
        self.assertFalse(verdict['exactly_once'])
        self.assertEqual(1, verdict['duplicates'])
        self.assertEqual(['a'], verdict['examples']['duplicates'])

    def test_message_never_consumed_is_missing(self):
        verdict = self._ledger(['a', 'b'], ['b']).verdict()
        self.assertFalse(verdict['exactly_once'])
        self.assertEqual(['a'], verdict['examples']['missing'])

    def test_consumed_but_never_posted_is_unexpected(self):
        verdict = self._ledger(['a'], ['a', 'z']).verdict()
        self.assertFalse(verdict['exactly_once'])
        self.assertEqual(['z'], verdict['examples']['unexpected'])

    def test_same_id_returned_for_two_posts_is_a_fault(self):
        verdict = self._ledger(['a', 'a'], ['a']).verdict()
        self.assertFalse(verdict['exactly_once'])
        self.assertEqual(1, verdict['posted_twice'])

    def test_redelivery_alone_is_not_a_fault(self):
        ledger = self._ledger(['a'], ['a'], delivered=['a', 'a'])
        verdict = ledger.verdict()
        self.assertTrue(verdict['exactly_once'])
        self.assertEqual(1, verdict['redelivered'])

    def test_ledgers_of_workers_merge(self):
        producer = self._ledger(['a', 'b'], [])
        consumer_one = self._ledger([], ['a'])
        consumer_two = self._ledger([], ['b'])
        total = Ledger()
        for part in (producer, consumer_one, consumer_two):
            # Worker processes send their ledgers back pickled.
            total.merge(pickle.loads(pickle.dumps(part)))
        self.assertTrue(total.verdict()['exactly_once'])
