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

"""Run zaqar-bench against two servers, scenario by scenario, and compare."""

from __future__ import annotations

import json
import os
import subprocess
import sys

# Columns: name, width.
COLUMNS = (('scenario', 9), ('server', 9), ('msgs/s', 9), ('p50 ms', 8),
           ('p99 ms', 8), ('errors', 6), ('gen cpu', 7), ('srv cores', 9),
           ('other', 6), ('once', 4))
# Cores used by processes outside the comparison above which a line is
# marked as measured on a busy machine.
NOISY_CORES = 0.25


def bench(repo: str, url: str, scenario: str, args, json_path: str) -> dict:
    """One zaqar-bench run of one scenario; returns its scenario result.

    The bench uses only the standard library, so it runs from the source
    tree with this interpreter whatever is installed.
    :raises RuntimeError: if zaqar-bench fails to produce its JSON.
    """
    argv = [sys.executable, '-m', 'zaqar.bench', '--url', url,
            '--scenarios', scenario, '--duration', str(args.duration),
            '--concurrency', str(args.concurrency),
            '--processes', str(args.bench_processes),
            '--body-size', str(args.body_size), '--json', json_path, '-q']
    env = dict(os.environ, PYTHONPATH=repo)
    done = subprocess.run(argv, check=False, env=env, capture_output=True,
                          text=True)
    if not os.path.exists(json_path):
        raise RuntimeError(f'zaqar-bench failed ({done.returncode}):\n'
                           f'{done.stdout}{done.stderr}')
    with open(json_path) as data:
        return json.load(data)['scenarios'][0]


def headline(result: dict, cpu: dict | None = None) -> dict:
    """The scenario's headline numbers (see zaqar.bench.runner.HEADLINE).

    :param cpu: a cpuwatch.Watch result for the run, if measured.
    """
    role = result['roles'].get(result['headline'], {})
    verdict = result.get('exactly_once')
    return {
        'msgs_per_s': role.get('msgs_per_s'),
        'p50_ms': role.get('p50_ms'),
        'p99_ms': role.get('p99_ms'),
        'errors': sum(r['errors'] for r in result['roles'].values()),
        'gen_cpu_pct': result['generator']['cpu_pct_of_core_max'],
        'cpu_bound': result['generator']['cpu_bound'],
        'machine_busy_pct': result['machine']['busy_pct'],
        'exactly_once': None if verdict is None else verdict['exactly_once'],
        'ran_dry': result['ran_dry'],
        'server_cores': (cpu or {}).get('cores', {}).get('server'),
        'other_cores': (cpu or {}).get('cores', {}).get('other'),
        'cpu': cpu,
    }


def _ratio(ours, theirs) -> float | None:
    if not ours or not theirs:
        return None
    return round(ours / theirs, 2)


def ratios(ours: dict, upstream: dict) -> dict:
    """ours / upstream: above 1 is better for msgs/s, worse for latency."""
    return {key: _ratio(ours[key], upstream[key])
            for key in ('msgs_per_s', 'p50_ms', 'p99_ms')}


def _fmt(value, suffix='') -> str:
    if value is None:
        return '-'
    if isinstance(value, bool):
        return 'yes' if value else 'NO'
    if isinstance(value, float):
        return f'{value:.1f}{suffix}'
    return f'{value}{suffix}'


def _row(cells: list[str]) -> str:
    widths = [width for _, width in COLUMNS]
    return '  '.join(cell.ljust(w) if i < 2 else cell.rjust(w)
                     for i, (w, cell) in enumerate(zip(widths, cells,
                                                       strict=True))
                     ).rstrip()


def table(rows: list[dict]) -> str:
    """Per scenario: one line per server, then the ours/upstream ratio."""
    lines = [_row([c for c, _ in COLUMNS]), _row(['-' * w for _, w in
                                                   COLUMNS])]
    for row in rows:
        for server in ('upstream', 'ours', 'ceiling'):
            numbers = row.get(server)
            if not numbers:
                continue
            cpu = _fmt(numbers['gen_cpu_pct'], '%')
            if numbers['cpu_bound']:
                cpu += '!'
            other = numbers.get('other_cores')
            other_text = '-' if other is None else f'{other:.2f}'
            if other is not None and other > NOISY_CORES:
                other_text += '!'
            server_cores = numbers.get('server_cores')
            lines.append(_row([
                row['scenario'], server, _fmt(numbers['msgs_per_s']),
                _fmt(numbers['p50_ms']), _fmt(numbers['p99_ms']),
                str(numbers['errors']), cpu,
                '-' if server_cores is None else f'{server_cores:.2f}',
                other_text, _fmt(numbers['exactly_once'])]))
        for key, label in (('ratio', 'ratio'), ('of_ceiling', 'of ceil')):
            if row.get(key):
                r = row[key]
                cells = ['-' if r[k] is None else f'{r[k]:.2f}x'
                         for k in ('msgs_per_s', 'p50_ms', 'p99_ms')]
                lines.append(_row([row['scenario'], label] + cells
                                  + [''] * 5))
    return '\n'.join(lines)
