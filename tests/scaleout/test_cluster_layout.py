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

"""The cluster key layout and URI, checked without a server.

Slots are computed with redis-py's own CRC16 (the one the cluster uses),
so "one slot per script call" is checked on the real function.
"""

from __future__ import annotations

import unittest

from redis.crc import key_slot

from zaqar.storage.redis import connection, keys

PROJECTS = ('p', 'a{b}c', '%7B', 'x}', '')


def _slots(names) -> set[int]:
    return {key_slot(name.encode()) for name in names}


class ClusterLayoutTest(unittest.TestCase):

    def setUp(self):
        super().setUp()
        self.layout = keys.ClusterLayout()

    def test_every_key_of_a_queue_call_shares_the_project_slot(self):
        for project in PROJECTS:
            every = (*self.layout.queue_keys(project, 'q'),
                     *self.layout.outbox_keys(project, 'q'),
                     self.layout.token_key(project, 'q', 't'),
                     *self.layout.outbox_shared(project),
                     self.layout.outbox_prefix(project) + 'pdue:x')
            self.assertEqual(1, len(_slots(every)), project)

    def test_projects_spread_over_slots(self):
        slots = _slots(self.layout.queue_index(f'project-{i}')
                       for i in range(100))
        self.assertGreater(len(slots), 90)

    def test_single_server_layout_is_unchanged(self):
        single = keys.Layout()
        self.assertEqual(keys.queue_keys('p', 'q'),
                         single.queue_keys('p', 'q'))
        self.assertEqual('zq:projects', single.queue_keys('p', 'q')[-1])
        self.assertEqual('zq:{outbox}:due', single.outbox_keys('p', 'q')[4])
        self.assertNotEqual(self.layout.queue_keys('p', 'q')[-1],
                            single.queue_keys('p', 'q')[-1])

    def test_unescape_reverses_escape(self):
        for project in PROJECTS:
            self.assertEqual(project, keys.unescape(keys.escape(project)))


class ClusterURITest(unittest.TestCase):

    def test_hosts_and_options(self):
        settings = connection.parse_uri(
            'redis+cluster://10.0.0.1:7000,10.0.0.2?wait_replicas=1')
        self.assertEqual('cluster', settings.kind)
        self.assertEqual((('10.0.0.1', 7000), ('10.0.0.2', 6379)),
                         settings.hosts)
        self.assertEqual(1, settings.wait_replicas)
        self.assertFalse(settings.ssl)
        self.assertTrue(connection.parse_uri(
            'rediss+cluster://h:1').ssl)

    def test_a_database_other_than_0_is_refused(self):
        for uri in ('redis+cluster://h:1/2', 'redis+cluster://h:1?db=3',
                    'redis+cluster://'):
            self.assertRaises(connection.InvalidURI,
                              connection.parse_uri, uri)
