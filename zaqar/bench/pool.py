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

"""Run a set of workers on threads, optionally spread over processes."""

from __future__ import annotations

import multiprocessing
import threading
import time
from dataclasses import dataclass

from zaqar.bench import system
from zaqar.bench.client import Client, Target
from zaqar.bench.workers import WorkerResult, WorkerSpec, run_worker


@dataclass
class PoolRun:
    """Results of every worker plus what the generator's CPU did."""

    results: list[WorkerResult]
    # CPU seconds each generator process spent during the run.
    cpu_seconds: list[float]
    # From the common start to the last request's end (earlier than the
    # deadline when consumers ran the queue dry; a little later otherwise,
    # as requests under way at the deadline finish).
    window: float


def run_threads(target: Target, specs: list[WorkerSpec],
                 payloads: dict[int, bytes], start_at: float,
                 deadline: float) -> tuple[list[WorkerResult], float]:
    """Run ``specs`` as threads of this process; returns CPU seconds too."""
    results: list[WorkerResult | None] = [None] * len(specs)

    def work(index: int, spec: WorkerSpec, client: Client) -> None:
        delay = start_at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        results[index] = run_worker(client, spec, payloads[spec.batch],
                                    deadline)

    cpu_before = system.process_cpu_seconds()
    threads = [threading.Thread(target=work, args=(i, spec, Client(target)),
                                daemon=True)
               for i, spec in enumerate(specs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cpu = system.process_cpu_seconds() - cpu_before
    missing = [specs[i].role for i, r in enumerate(results) if r is None]
    if missing:
        raise RuntimeError(f'{len(missing)} worker(s) died: {missing}')
    return results, cpu


def _child(conn, target, specs, payloads, start_at, deadline) -> None:
    try:
        conn.send(('ok', run_threads(target, specs, payloads, start_at,
                                      deadline)))
    except Exception as exc:  # noqa: BLE001 (tell the parent, not hang)
        conn.send(('error', repr(exc)))
    finally:
        conn.close()


def run(target: Target, specs: list[WorkerSpec], payloads: dict[int, bytes],
        duration: float, processes: int = 1) -> PoolRun:
    """Run every worker for ``duration`` seconds, all starting together.

    :param payloads: POST bodies by batch size.
    :param processes: generator processes; workers are dealt to them in
        turn. 1 runs everything on threads of this process.
    :raises RuntimeError: if a worker or a generator process failed.
    """
    processes = max(1, min(processes, len(specs)))
    # A short lead so that every thread/process is up before the clock.
    lead = 0.2 + 0.1 * processes
    start_at = time.monotonic() + lead
    deadline = start_at + duration
    if processes == 1:
        results, cpu = run_threads(target, specs, payloads, start_at,
                                    deadline)
        return PoolRun(results, [cpu], _window(results, start_at, duration))
    context = multiprocessing.get_context('fork')
    children = []
    for index in range(processes):
        chunk = specs[index::processes]
        parent_end, child_end = context.Pipe(duplex=False)
        proc = context.Process(
            target=_child,
            args=(child_end, target, chunk, payloads, start_at, deadline),
            daemon=True)
        proc.start()
        child_end.close()
        children.append((proc, parent_end))
    results, cpus, failures = [], [], []
    for proc, conn in children:
        try:
            status, value = conn.recv()
        except EOFError:
            status, value = 'error', f'process {proc.pid} died'
        if status == 'ok':
            results.extend(value[0])
            cpus.append(value[1])
        else:
            failures.append(value)
        proc.join()
    if failures:
        raise RuntimeError('generator process failed: ' + '; '.join(failures))
    return PoolRun(results, cpus, _window(results, start_at, duration))


def _window(results: list[WorkerResult], start_at: float,
            duration: float) -> float:
    ends = [r.finished_at for r in results if r.finished_at]
    return max(ends) - start_at if ends else duration
