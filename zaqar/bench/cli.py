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

"""Command line of zaqar-bench: parse options, run scenarios, report."""

from __future__ import annotations

import argparse
import sys
import time
import uuid

from zaqar.bench import report, system
from zaqar.bench.client import Target
from zaqar.bench.runner import Options, ping, run_scenario
from zaqar.bench.scenarios import SCENARIOS, default_mix, parse_mix

DEFAULT_SCENARIOS = 'post1,post10,consume,list,mixed'


def _scenarios(text: str) -> list[str]:
    names = [n.strip() for n in text.split(',') if n.strip()]
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f'unknown scenario(s) {unknown}; choose from '
            f'{", ".join(SCENARIOS)}')
    return names


def _mix(text: str) -> tuple[int, int, int]:
    try:
        return parse_mix(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog='zaqar-bench',
        description='Load generator for any server speaking the Zaqar v2 '
                    'HTTP API. Scenarios: ' + '; '.join(
                        f'{s.name}: {s.description}'
                        for s in SCENARIOS.values()))
    add = parser.add_argument
    add('--url', default='http://127.0.0.1:8888',
        help='server root URL (default %(default)s)')
    add('--project', help='X-Project-ID (default: a fresh random project '
        'per run)')
    add('--token', help='X-Auth-Token to send (when the server runs auth)')
    add('--scenarios', type=_scenarios, default=DEFAULT_SCENARIOS,
        help='comma-separated scenarios (default %(default)s)')
    add('--duration', type=float, default=10.0,
        help='seconds each scenario runs (default %(default)s)')
    add('--concurrency', '-c', type=int, default=8,
        help='workers, each with its own connection and Client-ID '
             '(default %(default)s)')
    add('--processes', '-p', type=int, default=1,
        help='generator processes the workers are spread over '
             '(default %(default)s)')
    add('--body-size', type=int, default=256,
        help='bytes of each message body (default %(default)s)')
    add('--queues', type=int, default=1,
        help='queues per scenario; workers spread over them '
             '(default %(default)s)')
    add('--prefill', type=int,
        help='messages posted before consume/list/mixed start (default: '
             'consume 1500 per second of --duration, list 200, mixed 1000)')
    add('--mix', type=_mix,
        help='mixed scenario workers as PRODUCERS:CONSUMERS:OBSERVERS '
             '(default: --concurrency split 2:2:1)')
    add('--timeout', type=float, default=30.0,
        help='seconds to wait for one answer (default %(default)s)')
    add('--no-keepalive', action='store_true',
        help='send "Connection: close" and connect for every request '
             '(default: keep connections open unless the server closes '
             'them)')
    add('--json', metavar='FILE', help='also write the results as JSON')
    add('--quiet', '-q', action='store_true',
        help='print only the table')
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the chosen scenarios; exit 1 on an exactly-once failure."""
    args = build_parser().parse_args(argv)
    scenarios = args.scenarios
    if isinstance(scenarios, str):
        scenarios = _scenarios(scenarios)
    if args.concurrency < 1 or args.processes < 1 or args.duration <= 0:
        sys.exit('zaqar-bench: --concurrency, --processes and --duration '
                 'must be positive')
    if 'mixed' in scenarios and args.mix is None and args.concurrency < 2:
        sys.exit('zaqar-bench: the mixed scenario needs --concurrency >= 2')
    project = args.project or f'bench-{uuid.uuid4().hex[:12]}'
    target = Target(args.url, project, args.token, args.timeout,
                    keepalive=not args.no_keepalive)
    problem = ping(target)
    if problem:
        sys.exit(f'zaqar-bench: {args.url} is not serving the v2 API: '
                 f'{problem}')
    options = Options(concurrency=args.concurrency,
                      processes=args.processes, duration=args.duration,
                      body_size=args.body_size, queues=args.queues,
                      prefill=args.prefill, mix=args.mix)
    if args.mix:
        options.concurrency = sum(args.mix)
    document = {
        'url': args.url, 'project': project,
        'concurrency': options.concurrency, 'processes': args.processes,
        'duration_s': args.duration, 'body_size': args.body_size,
        'queues': args.queues,
        'mix': list(args.mix or default_mix(max(2, args.concurrency))),
        'started': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
        'cpus': system.cpu_count(), 'loadavg_before': system.loadavg(),
        'scenarios': [],
    }
    for name in scenarios:
        if not args.quiet:
            print(f'running {name} for {args.duration:g}s ...',
                  file=sys.stderr, flush=True)
        document['scenarios'].append(
            run_scenario(target, SCENARIOS[name], options))
    document['loadavg_after'] = system.loadavg()
    print(report.table(document['scenarios']))
    if args.json:
        report.write_json(args.json, document)
    failed = [r for r in document['scenarios']
              if r['exactly_once'] and not r['exactly_once']['exactly_once']]
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
