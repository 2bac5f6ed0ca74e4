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

"""Medians over runs, per request, and the table (text or reStructuredText)."""

from __future__ import annotations

import json
import platform
import statistics

import seams

MICRO = 1e6


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def summarise(buckets: dict[str, list[seams.Bucket]], names: tuple,
              missing: list[str], args) -> dict:
    """Per kind: the median µs per request of each layer and totals."""
    kinds = {}
    for kind, runs in buckets.items():
        runs = [b for b in runs if b.requests]
        if not runs:
            continue
        per_layer = {}
        calls = {}
        for name in names:
            per_layer[name] = _median(
                [b.cpu.get(name, 0.0) / b.requests * MICRO for b in runs])
            calls[name] = _median(
                [b.calls.get(name, 0) / b.requests for b in runs])
        kinds[kind] = {
            'layers': per_layer,
            'calls': calls,
            'sum': _median([sum(b.cpu.values()) / b.requests * MICRO
                            for b in runs]),
            # The median request (a preempted one resumes on cold caches).
            'measured': _median([_median(b.bare) * MICRO
                                 for b in runs if b.bare]),
            'round_trips': _median([b.round_trips / b.requests
                                    for b in runs]),
            'redis_wait': _median(
                [b.redis_wait / b.requests * MICRO for b in runs]),
            'requests': sum(b.requests for b in runs),
            'dropped': sum(b.dropped for b in runs),
        }
    return {
        'kinds': kinds,
        'layers': list(names),
        'timer_overhead_us': seams.LEDGER.overhead * MICRO,
        'cpu_read_us': seams.LEDGER.cpu_read * MICRO,
        'missing_seams': sorted(set(missing)),
        'requests': args.requests,
        'repeats': args.repeats,
        'python': platform.python_version(),
    }


def merge(summaries: list[dict]) -> dict:
    """One summary of several (alternated) runs: the median of each figure.
    """
    merged = json.loads(json.dumps(summaries[0]))
    for kind, data in merged['kinds'].items():
        runs = [s['kinds'][kind] for s in summaries if kind in s['kinds']]
        for name in data['layers']:
            data['layers'][name] = _median([r['layers'][name] for r in runs])
        for key in ('sum', 'measured', 'round_trips', 'redis_wait',
                    'ceiling'):
            values = [r[key] for r in runs if r.get(key) is not None]
            if values:
                data[key] = _median(values)
        data['requests'] = sum(r['requests'] for r in runs)
        data['dropped'] = sum(r['dropped'] for r in runs)
    merged['repeats'] = f'{len(summaries)}x{merged["repeats"]}'
    return merged


def add_ceiling(summary: dict, runs: dict[str, list[float]]) -> None:
    """The ceiling's median request per kind (µs), beside ours."""
    for kind, data in summary['kinds'].items():
        if runs.get(kind):
            data['ceiling'] = _median(runs[kind]) * MICRO


def _rows(summary: dict, show_calls: bool) -> tuple[list[str], list[list]]:
    kinds = list(summary['kinds'])
    header = ['layer (µs CPU per request)', *kinds]
    rows = []
    for name in summary['layers']:
        row = [name]
        for kind in kinds:
            data = summary['kinds'][kind]
            cell = f'{data["layers"][name]:.1f}'
            if show_calls:
                cell += f' ({data["calls"][name]:g})'
            row.append(cell)
        rows.append(row)
    rows.append(['sum of layers',
                 *(f'{summary["kinds"][k]["sum"]:.1f}' for k in kinds)])
    rows.append(['median request, no timers',
                 *(f'{summary["kinds"][k]["measured"]:.1f}' for k in kinds)])
    if any('ceiling' in summary['kinds'][k] for k in kinds):
        rows.append(['ceiling (Pecan hello-world), median',
                     *(f'{summary["kinds"][k].get("ceiling", 0.0):.1f}'
                       for k in kinds)])
    rows.append(['Redis round trips per request',
                 *(f'{summary["kinds"][k]["round_trips"]:g}' for k in kinds)])
    rows.append(['Redis wait, wall µs (not in the sum)',
                 *(f'{summary["kinds"][k]["redis_wait"]:.1f}'
                   for k in kinds)])
    rows.append(['requests timed / dropped (preempted)',
                 *(f'{summary["kinds"][k]["requests"]}/'
                   f'{summary["kinds"][k]["dropped"]}' for k in kinds)])
    return header, rows


def render(summary: dict, fmt: str, show_calls: bool = False) -> str:
    header, rows = _rows(summary, show_calls)
    widths = [max(len(str(r[i])) for r in [header, *rows])
              for i in range(len(header))]
    lines = []
    if fmt == 'rst':
        rule = '  '.join('=' * w for w in widths)
        lines.append(rule)
        lines.append(_line(header, widths))
        lines.append(rule)
        lines += [_line(r, widths) for r in rows]
        lines.append(rule)
    else:
        lines.append(_line(header, widths))
        lines.append('  '.join('-' * w for w in widths))
        lines += [_line(r, widths) for r in rows]
    lines.append('')
    lines.append(f'median of {summary["repeats"]} runs of '
                 f'{summary["requests"]} requests per scenario (consume: '
                 f'{summary["requests"] // 5} claims and their deletes); '
                 f'timer overhead {summary["timer_overhead_us"]:.2f} µs '
                 f'per timed call and CPU clock reading '
                 f'{summary["cpu_read_us"]:.2f} µs taken out; '
                 f'Python {summary["python"]}')
    if summary['missing_seams']:
        lines.append('missing seams (not timed): '
                     + ', '.join(summary['missing_seams']))
    return '\n'.join(lines)


def _line(cells, widths) -> str:
    first = str(cells[0]).ljust(widths[0])
    rest = [str(c).rjust(w) for c, w in zip(cells[1:], widths[1:])]
    return '  '.join([first, *rest]).rstrip()
