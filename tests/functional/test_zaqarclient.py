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

"""python-zaqarclient (v2, HTTP transport) end to end against the server."""

from __future__ import annotations

import uuid

from zaqarclient.queues.v2 import client as zclient

from tests.functional import base


class ZaqarClientTest(base.ServerTestCase):

    def setUp(self):
        super().setUp()
        self.project = 'zc-' + uuid.uuid4().hex[:10]
        self.zaqar = zclient.Client(self.server.url, version=2, conf={
            'auth_opts': {'backend': 'noauth', 'options': {'os_project_id': self.project}}})

    def test_queue_post_claim_delete_stats(self):
        queue = self.zaqar.queue('work', force_create=True)
        self.assertTrue(queue.exists())
        queues, count = self.zaqar.queues(with_count=True)
        self.assertEqual(['work'], [q.name for q in queues])
        self.assertEqual(1, count)
        queue.post([{'body': {'n': i}, 'ttl': 600} for i in range(10)])
        claim = queue.claim(ttl=120, grace=60, limit=5)
        claimed = list(claim)
        self.assertEqual(5, len(claimed))
        self.assertEqual([{'n': i} for i in range(5)],
                         [m.body for m in claimed])
        for message in claimed:
            message.delete()
        stats = queue.stats['messages']
        self.assertEqual(5, stats['total'])
        self.assertEqual(5, stats['free'])
        self.assertEqual(0, stats['claimed'])

    def test_metadata_messages_and_pop(self):
        queue = self.zaqar.queue('meta', force_create=True)
        queue.metadata(new_meta={'color': 'blue'})
        self.assertEqual('blue', queue.metadata(force_reload=True)['color'])
        queue.post({'body': 'a'})
        queue.post({'body': 'b'})
        listed = list(queue.messages(echo=True))
        self.assertEqual(['a', 'b'], [m.body for m in listed])
        fetched = queue.message(listed[0].id)
        self.assertEqual('a', fetched.body)
        popped = list(queue.pop(1))
        self.assertEqual(['a'], [m.body for m in popped])
        queue.delete_messages(listed[1].id)
        self.assertEqual([], list(queue.messages(echo=True)))
        queue.delete()
        self.assertFalse(queue.exists())

    def test_claim_update_and_release(self):
        queue = self.zaqar.queue('claims')
        queue.post([{'body': i} for i in range(3)])
        claim = queue.claim(ttl=60, grace=60, limit=3)
        claim.update(ttl=120)
        self.assertEqual(120, queue.claim(id=claim.id).ttl)
        claim.delete()
        again = queue.claim(ttl=60, grace=60, limit=3)
        self.assertEqual(3, len(list(again)))
