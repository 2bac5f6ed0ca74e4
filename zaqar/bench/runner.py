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

"""One scenario end to end: pre-fill, timed run, drain, verify, clean up."""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass

from zaqar.bench import pool, system
from zaqar.bench.accounting import Ledger
from zaqar.bench.client import Client, Target
from zaqar.bench.scenarios import Scenario, plan
from zaqar.bench.stats import merged, summarize
from zaqar.bench.workers import (
    CONSUMER,
    OBSERVER,
    PRODUCER,
    ROLES,
    WorkerResult,
    WorkerSpec,
    batch_payload,
    post_batch,
)

# Messages per POST while pre-filling (25 kB at 256-byte bodies, far below
# the 256 kB request limit) and the threads doing it.
PREFILL_BATCH = 50
SIDE_THREADS = 4
# A generator process using this share of one core or more is CPU-bound
# (threads of one Python process cannot use much more than one core).
CPU_BOUND_SHARE = 0.85
# The role whose numbers headline each scenario.
HEADLINE = {'post1': PRODUCER, 'post10': PRODUCER, 'consume': CONSUMER,
            'list': OBSERVER, 'mixed': CONSUMER, 'post1-dedup': PRODUCER,
            'consume-grouped': CONSUMER}


@dataclass
class Options:
    """Everything a scenario run needs from the command line."""

    concurrency: int = 8
    processes: int = 1
    duration: float = 10.0
    body_size: int = 256
    queues: int = 1
    prefill: int | None = None
    mix: tuple[int, int, int] | None = None
    drain_timeout: float = 120.0


def _side_threads(target: Target, jobs, work) -> None:
    """Run ``work(client, job)`` for every job on a few threads."""
    jobs = iter(jobs)
    lock = threading.Lock()

    def loop() -> None:
        client = Client(target)
        try:
            while True:
                with lock:
                    job = next(jobs, None)
                if job is None:
                    return
                work(client, job)
        finally:
            client.close()

    threads = [threading.Thread(target=loop, daemon=True)
               for _ in range(SIDE_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def prefill(target: Target, queues: list[str], count: int,
            body_size: int, groups: int = 0) -> tuple[WorkerResult, float]:
    """Post ``count`` messages spread over ``queues`` before the clock runs.

    :returns: what the posts did (their ids are in its ledger) and how
        long it took.
    """
    result = WorkerResult('prefill')
    lock = threading.Lock()
    started = time.monotonic()
    jobs = []
    for index, queue in enumerate(queues):
        share = count // len(queues) + (index < count % len(queues))
        full, rest = divmod(share, PREFILL_BATCH)
        jobs += [(queue, PREFILL_BATCH)] * full
        if rest:
            jobs.append((queue, rest))
    payloads = {n: batch_payload(n, body_size, groups=groups)
                for n in {n for _, n in jobs}}

    def work(client: Client, job) -> None:
        mine = WorkerResult('prefill')
        post_batch(client, job[0], payloads[job[1]], mine, op='prefill')
        with lock:
            result.ledger.merge(mine.ledger)
            result.op('prefill').merge(mine.op('prefill'))

    _side_threads(target, jobs, work)
    return result, time.monotonic() - started


def drain(target: Target, queues: list[str],
          timeout: float) -> tuple[WorkerResult, float]:
    """Claim and delete whatever is left in ``queues`` (each, until empty).

    Uses the consumers' own claim-then-delete-with-claim-id path, so that
    what it removes counts as consumed in the exactly-once check.
    """
    started = time.monotonic()
    deadline = started + timeout
    specs = [WorkerSpec(CONSUMER, queue, stop_when_empty=True,
                        claim_limit=20)
             for queue in queues for _ in range(2)]
    results, _ = pool.run_threads(target, specs, {1: b''}, started, deadline)
    total = WorkerResult('drain')
    for result in results:
        total.ledger.merge(result.ledger)
        for name, stats in result.ops.items():
            total.op(name).merge(stats)
    return total, time.monotonic() - started


def left_in(target: Target, queues: list[str]) -> int | None:
    """Messages still in ``queues`` per their stats (None if unknown)."""
    client = Client(target)
    left = 0
    try:
        for queue in queues:
            reply = client.request('GET', f'/v2/queues/{queue}/stats')
            if reply.status != 200:
                return None
            left += int(reply.json()['messages']['total'])
    except (ValueError, KeyError, TypeError):
        return None
    finally:
        client.close()
    return left


def delete_queues(target: Target, queues: list[str]) -> int:
    """Delete the run's queues; returns how many deletes failed."""
    client = Client(target)
    failed = 0
    for queue in queues:
        if not client.request('DELETE', f'/v2/queues/{queue}').ok:
            failed += 1
    client.close()
    return failed


def _role_summaries(results: list[WorkerResult], window: float) -> dict:
    roles = {}
    for role in ROLES:
        mine = [r for r in results if r.role == role]
        if not mine:
            continue
        names = sorted({name for r in mine for name in r.ops})
        ops = {name: merged(r.ops[name] for r in mine if name in r.ops)
               for name in names}
        summary = summarize(merged(ops.values()), window)
        summary['workers'] = len(mine)
        summary['ops'] = {name: summarize(stats, window)
                          for name, stats in ops.items()}
        roles[role] = summary
    return roles


def _generator(run: pool.PoolRun) -> dict:
    shares = [cpu / max(run.window, 1e-9) for cpu in run.cpu_seconds]
    return {
        'processes': len(run.cpu_seconds),
        'cpu_seconds': round(sum(run.cpu_seconds), 2),
        'cpu_pct_of_core_max': round(100.0 * max(shares), 1),
        'cpu_bound': max(shares) >= CPU_BOUND_SHARE,
    }


def run_scenario(target: Target, scenario: Scenario,
                 options: Options) -> dict:
    """Run one scenario and return its JSON-ready result."""
    tag = uuid.uuid4().hex[:8]
    queues = [f'bench-{scenario.name}-{tag}-{i}'
              for i in range(options.queues)]
    count = scenario.prefill_count(options.duration, options.prefill)
    filled, fill_seconds = prefill(target, queues, count, options.body_size,
                                   scenario.groups)
    specs = plan(scenario, options.concurrency, queues, options.mix)
    payloads = {batch: batch_payload(batch, options.body_size,
                                     groups=scenario.groups,
                                     dedup=scenario.dedup)
                for batch in {1, scenario.batch}}
    machine = system.MachineCPU()
    load_before = system.loadavg()
    machine.start()
    run = pool.run(target, specs, payloads, options.duration,
                   options.processes)
    busy = machine.stop()
    roles = _role_summaries(run.results, run.window)
    result = {
        'scenario': scenario.name,
        'description': scenario.description,
        'queues': len(queues),
        'duration_s': options.duration,
        'window_s': round(run.window, 3),
        'headline': HEADLINE[scenario.name],
        'roles': roles,
        'ran_dry': any(r.ran_dry for r in run.results),
        'empty_claims': sum(r.empty_claims for r in run.results),
        'reconnects': sum(r.reconnects for r in run.results),
        'prefill': {'messages': len(filled.ledger.posted),
                    'seconds': round(fill_seconds, 2),
                    'errors': sum(filled.op('prefill').errors.values())},
        'generator': _generator(run),
        'machine': {'cpus': system.cpu_count(), 'busy_pct': busy,
                    'loadavg_before': load_before,
                    'loadavg_after': system.loadavg()},
        'exactly_once': None,
    }
    if scenario.verify:
        ledger = Ledger()
        ledger.merge(filled.ledger)
        for worker in run.results:
            ledger.merge(worker.ledger)
        drained, drain_seconds = drain(target, queues, options.drain_timeout)
        ledger.merge(drained.ledger)
        result['drain'] = {
            'messages': sum(drained.ledger.consumed.values()),
            'seconds': round(drain_seconds, 2),
            'errors': sum(sum(s.errors.values())
                          for s in drained.ops.values())}
        result['exactly_once'] = ledger.verdict()
        result['left_in_queue'] = left_in(target, queues)
    result['cleanup_errors'] = delete_queues(target, queues)
    return result


def ping(target: Target) -> str | None:
    """None if the server answers the v2 API, else what went wrong."""
    client = Client(target)
    answers = []
    try:
        for path in ('/v2/ping', '/v2/'):
            reply = client.request('GET', path)
            if reply.ok:
                return None
            answers.append(f'GET {client.path(path)} answered '
                           f'{reply.status or reply.error}')
        return '; '.join(answers)
    finally:
        client.close()
