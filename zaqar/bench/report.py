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

"""Render benchmark results: a table for people, JSON for tools."""

from __future__ import annotations

import json

COLUMNS = (('scenario', 9), ('role', 9), ('workers', 7), ('msgs/s', 9),
           ('req/s', 9), ('p50 ms', 8), ('p95 ms', 8), ('p99 ms', 8),
           ('errors', 6))


def _ms(value: float | None) -> str:
    return '-' if value is None else f'{value:.1f}'


def _row(cells: list[str]) -> str:
    # Names left-aligned, numbers right-aligned.
    widths = [width for _, width in COLUMNS]
    out = [cell.ljust(width) if index < 2 else cell.rjust(width)
           for index, (width, cell) in enumerate(zip(widths, cells,
                                                     strict=True))]
    return '  '.join(out).rstrip()


def _notes(result: dict) -> list[str]:
    name = result['scenario']
    notes = []
    verdict = result.get('exactly_once')
    if verdict is not None:
        state = 'OK' if verdict['exactly_once'] else 'FAILED'
        notes.append(
            f'{name}: exactly-once {state}: posted {verdict["posted"]}, '
            f'consumed {verdict["consumed"]}, duplicates '
            f'{verdict["duplicates"]}, missing {verdict["missing"]}, '
            f'unexpected {verdict["unexpected"]} (drained '
            f'{result["drain"]["messages"]} after the run; '
            f'{result.get("left_in_queue")} left in the queue)')
    if result['ran_dry']:
        notes.append(f'{name}: the queue ran dry after '
                     f'{result["window_s"]:.1f}s (rates are over that '
                     'window; use a larger --prefill)')
    gen = result['generator']
    machine = result['machine']
    notes.append(
        f'{name}: generator CPU {gen["cpu_pct_of_core_max"]:.0f}% of a core '
        f'(busiest of {gen["processes"]} process(es)); machine '
        f'{machine["busy_pct"]}% busy over {machine["cpus"]} CPU(s)')
    if gen['cpu_bound']:
        notes.append(f'{name}: WARNING: the load generator was CPU-bound; '
                     'these numbers measure it, not the server (try '
                     '--processes)')
    if result['prefill']['errors'] or result.get('cleanup_errors'):
        notes.append(f'{name}: {result["prefill"]["errors"]} pre-fill and '
                     f'{result.get("cleanup_errors")} clean-up errors')
    return notes


def table(results: list[dict]) -> str:
    """A plain-text table: one row per scenario and role, then notes."""
    lines = [_row([c for c, _ in COLUMNS]),
             _row(['-' * w for _, w in COLUMNS])]
    notes = []
    for result in results:
        for role, s in result['roles'].items():
            lines.append(_row([
                result['scenario'], role, str(s['workers']),
                f'{s["msgs_per_s"]:.1f}', f'{s["requests_per_s"]:.1f}',
                _ms(s['p50_ms']), _ms(s['p95_ms']), _ms(s['p99_ms']),
                str(s['errors'])]))
        notes += _notes(result)
    return '\n'.join(lines + [''] + notes)


def write_json(path: str, document: dict) -> None:
    """Write the whole run (settings and every scenario) to ``path``."""
    with open(path, 'w') as out:
        json.dump(document, out, indent=2, sort_keys=True)
        out.write('\n')


def headline(result: dict) -> dict:
    """The numbers that sum up a scenario (its headline role's summary)."""
    return result['roles'].get(result['headline'], {})
