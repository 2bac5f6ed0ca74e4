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

"""Notifications over Zaqar: listener pools, the default pool, requeue."""

from __future__ import annotations

import collections

import oslo_messaging

from tests.agent import base

# Notifications sent; every fifth asks each listener to requeue it once.
COUNT = 30


class TestNotifications(base.AgentTestCase):

    def test_each_pool_receives_every_notification_once(self):
        members = {'w1': 'workers', 'w2': 'workers', 'w3': 'workers',
                   'a1': 'audit', 'd1': None}
        procs = []
        for name, pool in members.items():
            options = {'pool': pool} if pool else {}
            procs.append(self.spawn('listener', name, wait_ready=False,
                                    **options))
        self.ready(*procs)
        notifier = oslo_messaging.Notifier(
            self.notification_transport(), publisher_id='agent-test',
            driver='messaging', topics=[self.topic])
        for i in range(COUNT):
            notifier.info({'user': 'u'}, 'agent.test',
                          {'i': i, 'requeue': i % 5 == 0})

        def handled(names):
            return [r['i'] for n in names for r in self.events(n, 'handled')]
        groups = {'workers': ['w1', 'w2', 'w3'], 'audit': ['a1'],
                  'default': ['d1']}
        self.wait_until(
            lambda: all(len(set(handled(names))) == COUNT
                        for names in groups.values()), 60,
            'every pool handled every notification')
        for group, names in groups.items():
            counts = collections.Counter(handled(names))
            self.assertEqual(set(range(COUNT)), set(counts), group)
            self.assertEqual({1}, set(counts.values()), group)
        # The work was shared within the pool.
        shares = [len(self.events(n, 'handled')) for n in groups['workers']]
        self.assertGreater(sorted(shares)[-2], 0, shares)
        # Requeued notifications came back (to the same pool).
        requeued = {r['i'] for r in self.events('d1', 'requeued')}
        self.assertEqual(set(range(0, COUNT, 5)), requeued)
        rows = self.events('d1', 'handled')
        self.assertEqual({'agent.test'}, {r['event_type'] for r in rows})
