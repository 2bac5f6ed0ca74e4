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

"""Contract: many workers on one queue, each with its own driver instance.

Like separate API workers, every thread builds its own driver from the same
URI and options. Message counts come from the environment (see
``base.concurrency_messages``) so CI can size them per backend.
"""

from __future__ import annotations

import collections
import sys
import threading
import time
from typing import Callable

from testtools import content

from tests.contract import base

CONSUMERS = 8
POPPERS = 4
POSTERS = 4
CLAIM_LIMIT = 10
POST_BATCH = 100


class ConcurrencyContract:
    """Exactly-once processing under concurrent claims, pops and posts."""

    def deadline_for(self, count: int) -> float:
        """Give up after this long: generous, but never hang the run."""
        return time.monotonic() + max(120.0, count / 5.0)

    def fill(self, queue: str, count: int) -> list[str]:
        ids: list[str] = []
        while len(ids) < count:
            size = min(POST_BATCH, count - len(ids))
            ids += self.post(queue, bodies=list(range(len(ids),
                                                      len(ids) + size)))
        return ids

    def run_workers(self, count: int, work: Callable[[int], None]) -> None:
        """Run ``work(index)`` in ``count`` threads; re-raise the first error."""
        failures: list[BaseException] = []

        def guarded(index: int) -> None:
            try:
                work(index)
            except BaseException as exc:  # noqa: BLE001 - reported below
                failures.append(exc)

        threads = [threading.Thread(target=guarded, args=(i,), daemon=True)
                   for i in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if failures:
            raise failures[0]

    def report(self, what: str, count: int, seconds: float) -> None:
        rate = count / seconds if seconds > 0 else float('inf')
        line = (f'{self.backend_name}: {what}: {count} messages in '
                f'{seconds:.2f} s = {rate:.0f} messages/s')
        self.addDetail('throughput', content.text_content(line))
        print(line, file=sys.stderr)

    def free_left(self, driver, queue: str) -> int:
        return driver.queue_controller.stats(queue, project=self.project).free

    def test_concurrent_consumers_process_every_message_exactly_once(self):
        total = base.concurrency_messages(self.backend_name)
        queue = self.qname()
        posted = self.fill(queue, total)
        drivers = [self.new_driver() for _ in range(CONSUMERS)]
        processed: list[list[str]] = [[] for _ in range(CONSUMERS)]
        deadline = self.deadline_for(total)

        def consume(index: int) -> None:
            driver = drivers[index]
            claims = driver.claim_controller
            messages = driver.message_controller
            while time.monotonic() < deadline:
                claim_id, claimed = claims.create(
                    queue, project=self.project, ttl=300, grace=60,
                    limit=CLAIM_LIMIT)
                claimed = list(claimed)
                if not claimed:
                    if self.free_left(driver, queue) == 0:
                        return
                    continue
                for message in claimed:
                    messages.delete(queue, message.id, project=self.project,
                                    claim_id=claim_id)
                    processed[index].append(message.id)
                claims.delete(queue, claim_id, project=self.project)

        started = time.monotonic()
        self.run_workers(CONSUMERS, consume)
        elapsed = time.monotonic() - started
        self.report(f'{CONSUMERS} consumers, claim+delete', total, elapsed)

        done = [mid for ids in processed for mid in ids]
        dupes = [mid for mid, n in collections.Counter(done).items() if n > 1]
        self.assertEqual([], dupes, 'messages processed more than once')
        self.assertEqual(set(posted), set(done))
        self.assertEqual(0, self.queues.stats(queue,
                                              project=self.project).total)
        self.assertEqual([], self.listed_ids(queue, include_claimed=True,
                                             include_delayed=True))

    def test_concurrent_pops_never_return_a_message_twice(self):
        total = max(100, base.concurrency_messages(self.backend_name) // 5)
        queue = self.qname()
        posted = self.fill(queue, total)
        drivers = [self.new_driver() for _ in range(POPPERS)]
        popped: list[list[str]] = [[] for _ in range(POPPERS)]
        deadline = self.deadline_for(total)

        def pop(index: int) -> None:
            driver = drivers[index]
            while time.monotonic() < deadline:
                got = driver.message_controller.pop(queue, 5,
                                                    project=self.project)
                if not got:
                    if self.free_left(driver, queue) == 0:
                        return
                    continue
                popped[index].extend(m.id for m in got)

        started = time.monotonic()
        self.run_workers(POPPERS, pop)
        self.report(f'{POPPERS} poppers', total, time.monotonic() - started)

        done = [mid for ids in popped for mid in ids]
        self.assertEqual(len(done), len(set(done)),
                         'a message was popped twice')
        self.assertEqual(set(posted), set(done))
        self.assertEqual(0, self.queues.stats(queue,
                                              project=self.project).total)

    def test_concurrent_posters_get_distinct_ids_and_keep_their_order(self):
        per_poster = max(25, base.concurrency_messages(self.backend_name)
                         // (10 * POSTERS))
        batch = 5
        queue = self.qname()
        drivers = [self.new_driver() for _ in range(POSTERS)]
        returned: list[list[str]] = [[] for _ in range(POSTERS)]

        def post(index: int) -> None:
            controller = drivers[index].message_controller
            for start in range(0, per_poster, batch):
                items = [{'body': {'poster': index, 'seq': seq},
                          'ttl': base.TTL, 'delay': 0}
                         for seq in range(start, min(start + batch,
                                                     per_poster))]
                ids = controller.post(queue, items, project=self.project,
                                      client_uuid=self.client_uuid)
                self.assertEqual(len(items), len(ids))
                returned[index].extend(ids)

        started = time.monotonic()
        self.run_workers(POSTERS, post)
        self.report(f'{POSTERS} posters', POSTERS * per_poster,
                    time.monotonic() - started)

        every = [mid for ids in returned for mid in ids]
        self.assertEqual(POSTERS * per_poster, len(every))
        self.assertEqual(len(every), len(set(every)), 'duplicate ids')
        listed = self.all_messages(queue, limit=100)
        self.assertEqual(set(every), {m.id for m in listed})
        for index in range(POSTERS):
            mine = [m for m in listed if m.body['poster'] == index]
            self.assertEqual(returned[index], [m.id for m in mine])
            self.assertEqual(list(range(per_poster)),
                             [m.body['seq'] for m in mine])


base.for_each_backend(globals(), ConcurrencyContract)
