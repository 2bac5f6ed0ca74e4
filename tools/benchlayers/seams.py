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

"""Timers wrapped around the request path's seams, from outside the code.

Each seam is a callable (a class or module attribute) that belongs to one
layer. A timed call charges its *exclusive* time to its layer: the time of
nested seams goes to their own layers, and everything the application does
outside every other seam goes to the outermost one (the middleware onion).

Clocks: a CPU-time clock (``time.thread_time``) is a system call here
(~2 µs, and it disturbs the caches of what it measures), so the seams use
the cheap monotonic clock and each *request* is checked with the CPU clock:
a request whose wall time exceeds its CPU time by more than its Redis
waits (it was preempted: the machine is shared) is dropped from the layer
figures. The Redis round-trip seams, where the process waits, are measured
with the CPU clock, whose own cost is calibrated and taken out.

The production code carries no timers: ``Patches`` replaces attributes and
puts the originals back. Seams missing from the code being measured
(renamed or removed by a change) are skipped and listed.
"""

from __future__ import annotations

import collections
import functools
import inspect
import threading
import time
from typing import Any, Callable

CPU = time.thread_time
WALL = time.perf_counter
# Seconds a request may run longer on the wall clock than on the CPU clock
# (besides its Redis waits) before it counts as preempted.
PREEMPT_SLACK = 30e-6


class Bucket:
    """What the requests of one kind (a scenario) cost, summed."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = collections.defaultdict(float)
        self.calls: dict[str, int] = collections.defaultdict(int)
        # Wall seconds spent waiting on Redis: reported apart, never added
        # to the CPU budget.
        self.redis_wait = 0.0
        self.round_trips = 0
        self.requests = 0
        self.dropped = 0
        # CPU seconds of each request run with no timer installed.
        self.bare: list[float] = []


class Ledger:
    """The request being timed: its per-layer figures and the seam stack."""

    def __init__(self) -> None:
        self.bucket = Bucket()
        self.layers: dict[str, float] = collections.defaultdict(float)
        self.calls: dict[str, int] = collections.defaultdict(int)
        self.redis_cpu = 0.0
        self.redis_wall = 0.0
        self.round_trips = 0
        # Child time accumulators of the seams being run, outermost first.
        self.stack: list[float] = [0.0]
        self.active = False
        # Only the thread driving the requests is measured: the service's
        # background threads (expired-data sweep) pass through untimed.
        self.thread = threading.get_ident()
        # Wall seconds a nested seam's timer adds to its parent, and CPU
        # seconds one CPU clock reading adds to what it measures.
        self.overhead = 0.0
        self.cpu_read = 0.0

    def begin(self, bucket: Bucket) -> None:
        self.bucket = bucket
        self.layers.clear()
        self.calls.clear()
        self.redis_cpu = self.redis_wall = 0.0
        self.round_trips = 0
        self.stack = [0.0]

    def end(self, wall: float, cpu: float) -> None:
        """Book the request unless it was preempted."""
        bucket = self.bucket
        waited = max(0.0, self.redis_wall - self.redis_cpu)
        if wall - cpu - waited > PREEMPT_SLACK:
            bucket.dropped += 1
            return
        bucket.requests += 1
        bucket.redis_wait += waited
        bucket.round_trips += self.round_trips
        for name, spent in self.layers.items():
            bucket.cpu[name] += spent
        for name, count in self.calls.items():
            bucket.calls[name] += count


LEDGER = Ledger()


def timed(layer: str, func: Callable) -> Callable:
    """``func`` charging its exclusive (wall) time to ``layer``.

    The parent is charged the call's time plus ``LEDGER.overhead`` (the
    timer's own cost measured by :func:`calibrate`), so that the timers
    themselves show in no layer.
    """
    ledger = LEDGER
    ident = threading.get_ident
    clock = WALL

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if not ledger.active or ident() != ledger.thread:
            return func(*args, **kwargs)
        stack = ledger.stack
        stack.append(0.0)
        start = clock()
        try:
            return func(*args, **kwargs)
        finally:
            spent = clock() - start
            children = stack.pop()
            ledger.layers[layer] += spent - children
            ledger.calls[layer] += 1
            stack[-1] += spent + ledger.overhead

    return wrapper


def timed_round_trip(layer: str, func: Callable) -> Callable:
    """A Redis send or read: charged with its CPU time (the process waits
    inside), its wall time kept to tell waiting from preemption."""
    ledger = LEDGER
    ident = threading.get_ident
    counts = func.__name__.startswith('send')

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if not ledger.active or ident() != ledger.thread:
            return func(*args, **kwargs)
        stack = ledger.stack
        stack.append(0.0)
        wall = WALL()
        cpu = CPU()
        try:
            return func(*args, **kwargs)
        finally:
            used = max(0.0, CPU() - cpu - ledger.cpu_read)
            spent = WALL() - wall
            stack.pop()
            ledger.layers[layer] += used
            ledger.calls[layer] += 1
            ledger.redis_cpu += used
            ledger.redis_wall += spent
            if counts:
                ledger.round_trips += 1
            stack[-1] += spent + ledger.overhead

    return wrapper


class Patches:
    """The attributes replaced so far, to put back in reverse order."""

    def __init__(self) -> None:
        self.done: list[tuple[Any, Any, Any, bool | None]] = []
        self.missing: list[str] = []

    def wrap(self, owner: Any, name: str, layer: str,
             maker: Callable = timed) -> None:
        """Replace ``owner.name`` (class or module attribute) by a timed
        version; skipped (and listed) when absent.

        An inherited class attribute is set on ``owner`` itself and
        deleted again by :meth:`remove`.
        """
        label = f'{getattr(owner, "__name__", owner)}.{name}'
        if isinstance(owner, type):
            own = name in vars(owner)
            raw = inspect.getattr_static(owner, name, None)
        else:
            own = True
            raw = getattr(owner, name, None)
        if isinstance(raw, staticmethod):
            replacement: Any = staticmethod(maker(layer, raw.__func__))
        elif isinstance(raw, classmethod):
            replacement = classmethod(maker(layer, raw.__func__))
        elif callable(raw):
            replacement = maker(layer, raw)
        else:
            self.missing.append(label)
            return
        self.done.append((owner, name, raw, own))
        setattr(owner, name, replacement)

    def swap(self, container: Any, key: Any, replacement: Any) -> None:
        """Replace ``container[key]`` (a list slot or dict entry)."""
        self.done.append((container, key, container[key], None))
        container[key] = replacement

    def remove(self) -> None:
        for owner, name, original, own in reversed(self.done):
            if own is None:
                owner[name] = original
            elif own:
                setattr(owner, name, original)
            else:
                delattr(owner, name)
        self.done.clear()


def calibrate(batches: int = 40, rounds: int = 500) -> None:
    """Measure and set ``LEDGER.overhead`` and ``LEDGER.cpu_read``.

    overhead: what one nested seam's timer adds to its parent, comparing
    a seam that calls a timed no-op with one that calls the bare no-op.
    cpu_read: the CPU time two back-to-back CPU clock readings span.
    Each is the least of many short batches: preemption and other noise
    only ever add time.
    """
    ledger = LEDGER

    def leaf():
        return None

    inner = timed('calibrate-inner', leaf)
    outer = timed('calibrate-outer', lambda: inner())
    bare = timed('calibrate-bare', lambda: leaf())
    was, ledger.active, ledger.overhead = ledger.active, True, 0.0
    nested, plain = [], []
    try:
        for _ in range(batches):
            ledger.begin(Bucket())
            for _ in range(rounds):
                outer()
            nested.append(ledger.layers['calibrate-outer'] / rounds)
            ledger.begin(Bucket())
            for _ in range(rounds):
                bare()
            plain.append(ledger.layers['calibrate-bare'] / rounds)
    finally:
        ledger.active = was
        ledger.begin(Bucket())
    ledger.overhead = max(0.0, min(nested) - min(plain))
    reads = []
    for _ in range(batches):
        total = 0.0
        for _ in range(rounds // 5):
            first = CPU()
            total += CPU() - first
        reads.append(total / (rounds // 5))
    ledger.cpu_read = max(0.0, min(reads))
