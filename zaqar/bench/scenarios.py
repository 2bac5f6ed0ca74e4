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

"""The benchmark scenarios and how each splits its workers into roles."""

from __future__ import annotations

from dataclasses import dataclass

from zaqar.bench.workers import CONSUMER, OBSERVER, PRODUCER, WorkerSpec


@dataclass(frozen=True)
class Scenario:
    """One timed workload.

    ``prefill`` is how many messages are posted before the clock starts;
    ``prefill_per_second`` adds that many per second of ``--duration`` (so
    consumers do not run out in a longer run). ``verify`` turns on the
    exactly-once check, which drains the queue at the end.
    """

    name: str
    description: str
    batch: int = 1
    prefill: int = 0
    prefill_per_second: int = 0
    verify: bool = False
    # Each posted message carries a new dedup_id (idempotent posts).
    dedup: bool = False
    # Messages (prefill included) spread round-robin over this many FIFO
    # groups; 0: no group.
    groups: int = 0

    def prefill_count(self, duration: float, override: int | None) -> int:
        """Messages to post before the run (``override``: --prefill)."""
        if not (self.prefill or self.prefill_per_second):
            return 0
        if override is not None:
            return override
        return self.prefill + int(self.prefill_per_second * duration)


SCENARIOS = {s.name: s for s in (
    Scenario('post1', 'producers posting batches of 1 message'),
    Scenario('post10', 'producers posting batches of 10 messages', batch=10),
    Scenario('consume', 'consumers claiming 10 and deleting each message '
             'with its claim id, from a pre-filled queue',
             prefill_per_second=1500, verify=True),
    Scenario('post1-dedup', 'producers posting batches of 1 message, each '
             'with a new dedup_id', dedup=True),
    Scenario('consume-grouped', 'consume, from a queue pre-filled with '
             'messages spread over 64 FIFO groups', prefill_per_second=1500,
             verify=True, groups=64),
    Scenario('list', 'observers paging through a pre-filled queue',
             prefill=200),
    Scenario('mixed', 'producers, consumers and observers together',
             prefill=1000, verify=True),
)}


def parse_mix(text: str) -> tuple[int, int, int]:
    """``"P:C:O"`` worker counts for the mixed scenario.

    :raises ValueError: unless three non-negative integers with at least
        one producer and one consumer.
    """
    parts = text.split(':')
    if len(parts) != 3:
        raise ValueError(f'mix must be P:C:O, not {text!r}')
    producers, consumers, observers = (int(p) for p in parts)
    if min(producers, consumers, observers) < 0:
        raise ValueError('mix counts must not be negative')
    if not (producers and consumers):
        raise ValueError('mix needs at least one producer and one consumer')
    return producers, consumers, observers


def default_mix(concurrency: int) -> tuple[int, int, int]:
    """Split ``concurrency`` workers 2:2:1 into producers:consumers:observers.

    8 workers give 3:3:2; 2 give 1:1:0.
    """
    if concurrency < 2:
        raise ValueError('the mixed scenario needs a concurrency of 2 or '
                         'more')
    observers = round(concurrency / 5) if concurrency >= 3 else 0
    producers = max(1, (concurrency - observers) // 2)
    return producers, concurrency - observers - producers, observers


def plan(scenario: Scenario, concurrency: int, queues: list[str],
         mix: tuple[int, int, int] | None = None) -> list[WorkerSpec]:
    """The workers of one scenario, spread round-robin over ``queues``."""
    if scenario.name == 'mixed':
        producers, consumers, observers = mix or default_mix(concurrency)
        roles = ([PRODUCER] * producers + [CONSUMER] * consumers
                 + [OBSERVER] * observers)
    elif scenario.name.startswith('consume'):
        roles = [CONSUMER] * concurrency
    elif scenario.name == 'list':
        roles = [OBSERVER] * concurrency
    else:
        roles = [PRODUCER] * concurrency
    # Spread each role evenly: the i-th worker of a role gets queue i mod n.
    seen: dict[str, int] = {}
    specs = []
    for role in roles:
        index = seen.get(role, 0)
        seen[role] = index + 1
        specs.append(WorkerSpec(
            role=role, queue=queues[index % len(queues)],
            batch=scenario.batch,
            stop_when_empty=scenario.name.startswith('consume'),
            dedup=scenario.dedup))
    return specs
