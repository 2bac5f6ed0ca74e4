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

"""Contract: FIFO groups on every driver.

Only the oldest live message of a group can be claimed or popped: a group
is processed in order, one message at a time, while different groups (and
messages without a group) go in parallel.
"""

from __future__ import annotations

import threading
import time

from tests.contract import base
from tests.contract.test_dedup import item

CLAIMERS = 6


class GroupContract:
    """Ordered per group, parallel across groups."""

    def post_items(self, queue, items):
        self._touched.add((self.project, queue))
        return self.messages.post(queue, items, project=self.project,
                                  client_uuid=self.client_uuid)

    def test_a_claim_takes_one_message_per_group_and_every_plain_one(self):
        name = self.qname()
        ids = self.post_items(name, [
            item('a1', group='a'), item('a2', group='a'),
            item('p1'), item('b1', group='b'), item('b2', group='b'),
            item('p2')])
        _, claimed = self.claim(name)
        self.assertEqual(['a1', 'p1', 'b1', 'p2'], [m.body for m in claimed])
        self.assertEqual((None, []), self.claim(name))
        self.assertEqual(6, len(ids))

    def test_next_message_of_a_group_waits_for_the_delete(self):
        name = self.qname()
        ids = self.post_items(name, [item(i, group='g') for i in range(3)])
        for expected in ids:
            claim_id, claimed = self.claim(name)
            self.assertEqual([expected], [m.id for m in claimed])
            self.assertEqual((None, []), self.claim(name))
            self.messages.delete(name, expected, project=self.project,
                                 claim_id=claim_id)
        self.assertEqual((None, []), self.claim(name))

    def test_released_claim_gives_the_same_message_again(self):
        name = self.qname()
        ids = self.post_items(name, [item(i, group='g') for i in range(2)])
        claim_id, claimed = self.claim(name)
        self.claims.delete(name, claim_id, project=self.project)
        _, again = self.claim(name)
        self.assertEqual([ids[0]], [m.id for m in claimed])
        self.assertEqual([ids[0]], [m.id for m in again])

    def test_expired_claim_releases_the_group_in_order(self):
        name = self.qname()
        ids = self.post_items(name, [item(i, group='g') for i in range(2)])
        _, claimed = self.claim(name, ttl=1, grace=1)
        self.assertEqual([ids[0]], [m.id for m in claimed])
        self.assertEqual((None, []), self.claim(name))
        self.wait_for_expiry()
        _, again = self.claim(name)
        self.assertEqual([ids[0]], [m.id for m in again])
        self.assertEqual(2, again[0].claim_count)

    def test_expired_head_lets_the_next_message_go(self):
        name = self.qname()
        self.post_items(name, [item('short', group='g', ttl=1)])
        [later] = self.post_items(name, [item('long', group='g')])
        self.wait_for_expiry()
        _, claimed = self.claim(name)
        self.assertEqual([later], [m.id for m in claimed])

    def test_pop_respects_groups(self):
        name = self.qname()
        ids = self.post_items(name, [item(i, group='g') for i in range(3)])
        self.claim(name, limit=1)
        self.assertEqual([], list(self.messages.pop(name, 5,
                                                    project=self.project)))
        self.messages.delete(name, ids[0], project=self.project,
                             claim_id=self.claims_of(name))
        popped = self.messages.pop(name, 5, project=self.project)
        self.assertEqual([ids[1]], [m.id for m in popped])

    def claims_of(self, name):
        [held] = [m for m in self.all_messages(name, include_claimed=True)
                  if m.claim_id]
        return held.claim_id

    def test_listing_shows_every_message_of_a_group(self):
        name = self.qname()
        ids = self.post_items(name, [item(i, group='g') for i in range(3)])
        self.assertEqual(ids, self.listed_ids(name))
        self.assertEqual(['g'] * 3, [m.group for m in self.all_messages(name)])

    def test_dead_lettered_head_keeps_its_group_and_frees_the_next(self):
        dlq = self.qname('dlq')
        name = self.make_queue(metadata={'_max_claim_count': 1,
                                         '_dead_letter_queue': dlq})
        ids = self.post_items(name, [item(i, group='g') for i in range(2)])
        claim_id, _ = self.claim(name)
        self.claims.delete(name, claim_id, project=self.project)
        # The head reached its claim limit: moved instead of claimed.
        first = self.claims.create(name, project=self.project, ttl=60,
                                   grace=60)
        self.assertEqual(1, first.dead_lettered)
        _, claimed = self.claim(name)
        self.assertEqual([ids[1]], [m.id for m in claimed])
        moved = self.all_messages(dlq)
        self.assertEqual([(ids[0], 'g')], [(m.id, m.group) for m in moved])

    def test_concurrent_claimers_never_hold_two_messages_of_a_group(self):
        groups, per_group = 4, 5
        name = self.qname()
        items = [item(f'{g}:{i}', group=f'g{g}')
                 for i in range(per_group) for g in range(groups)]
        self.post_items(name, items)
        drivers = [self.new_driver() for _ in range(CLAIMERS)]
        lock = threading.Lock()
        holding: dict = {}
        order: dict = {f'g{g}': [] for g in range(groups)}
        violations: list = []
        parallel = []
        failures: list = []
        deadline = time.monotonic() + 180

        def claimer(index):
            driver = drivers[index]
            try:
                while time.monotonic() < deadline:
                    claim_id, claimed = driver.claim_controller.create(
                        name, project=self.project, ttl=60, grace=60,
                        limit=3)
                    claimed = list(claimed)
                    if not claimed:
                        with lock:
                            if sum(len(v) for v in order.values()) == \
                                    groups * per_group:
                                return
                        time.sleep(0.01)
                        continue
                    with lock:
                        for message in claimed:
                            if message.group in holding:
                                violations.append(message.group)
                            holding[message.group] = index
                        parallel.append(len(holding))
                    time.sleep(0.01)
                    for message in claimed:
                        # Released in storage and in the book at once, so
                        # a later holder can only be seen after this.
                        with lock:
                            driver.message_controller.delete(
                                name, message.id, project=self.project,
                                claim_id=claim_id)
                            del holding[message.group]
                            order[message.group].append(message.body)
            except BaseException as exc:  # noqa: BLE001 - reported below
                failures.append(exc)

        threads = [threading.Thread(target=claimer, args=(i,), daemon=True)
                   for i in range(CLAIMERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=240)
        self.assertEqual([], failures)
        self.assertEqual([], violations)
        for g in range(groups):
            self.assertEqual([f'{g}:{i}' for i in range(per_group)],
                             order[f'g{g}'])
        self.assertGreater(max(parallel), 1,
                           'different groups were never held at once')


base.for_each_backend(globals(), GroupContract)
