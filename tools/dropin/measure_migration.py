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

"""Measure migrate-reference's speed on the reference's Redis layout.

    python tools/dropin/measure_migration.py [--messages 20000]
        [--redis redis://127.0.0.1:6379?dbid=14] [--target sqlite|redis]

Runs the real reference (tests/dropin/reference.py installs it into
.ci/work/reference-venv), posts the messages through its API into the
given Redis database under a project name of its own (whose keys, the
reference's and this service's, are deleted at the end; nothing else in
the database is touched), stops it,
runs ``zaqar-manage migrate-reference`` into a fresh SQLite file (or a
Redis database next to the source) and prints the command's own
verification table and messages/s line. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid

import redis
import requests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from tests.dropin import reference  # noqa: E402

PER_POST = 20


def _seed(url: str, project: str, messages: int, queues: int) -> float:
    session = requests.Session()
    session.headers.update({'Client-ID': str(uuid.uuid4()),
                            'X-Project-ID': 'measure'})
    started = time.monotonic()
    session.headers['X-Project-ID'] = project
    for n in range(0, messages, PER_POST):
        queue = f'q{(n // PER_POST) % queues}'
        batch = [{'body': {'n': n + i, 'pad': 'x' * 200}, 'ttl': 3600}
                 for i in range(min(PER_POST, messages - n))]
        resp = session.post(f'{url}/v2/queues/{queue}/messages',
                            json={'messages': batch}, timeout=60)
        resp.raise_for_status()
    return time.monotonic() - started


def _forget(client: redis.Redis, project: str) -> None:
    """Delete this run's keys: the reference's ``<project>.*`` keys and
    the ids its sorted sets list (message and claim hashes have no
    prefix), and this service's keys naming the project."""
    doomed = set()
    for key in client.scan_iter(match=f'{project}.*', count=1000):
        doomed.add(key)
        if client.type(key) == b'zset':
            doomed.update(client.zrange(key, 0, -1))
    doomed.update(client.scan_iter(match=f'zq:*{project}*', count=1000))
    doomed = list(doomed)
    # This service's index of projects (--target redis).
    client.srem('zq:projects', project)
    for start in range(0, len(doomed), 1000):
        client.delete(*doomed[start:start + 1000])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--messages', type=int, default=20000)
    parser.add_argument('--queues', type=int, default=10)
    parser.add_argument('--redis', default='redis://127.0.0.1:6379?dbid=14')
    parser.add_argument('--target', choices=('sqlite', 'redis'),
                        default='sqlite')
    args = parser.parse_args()
    source = redis.Redis.from_url(args.redis.replace('?dbid=', '/'))
    project = f'measure{uuid.uuid4().hex[:12]}'
    reference.ensure_venv()
    ref = reference.ReferenceServer(
        '[DEFAULT]\nunreliable = true\n[drivers]\nmessage_store = redis\n'
        f'management_store = redis\n[drivers:message_store:redis]\n'
        f'uri = {args.redis}\n[drivers:management_store:redis]\n'
        f'uri = {args.redis}\n')
    tmp = tempfile.mkdtemp(prefix='zaqar-measure-')
    try:
        ref.start()
        seconds = _seed(ref.url, project, args.messages, args.queues)
        print(f'reference: {args.messages} messages posted in '
              f'{seconds:.1f} s')
        ref.stop()
        if args.target == 'sqlite':
            store = ('sqlalchemy', f'sqlite:///{tmp}/new.db')
        else:
            store = ('redis', args.redis)
        new_conf = os.path.join(tmp, 'new.conf')
        with open(new_conf, 'w') as f:
            f.write(f'[drivers]\nmessage_store = {store[0]}\n'
                    f'management_store = sqlalchemy\n'
                    f'[drivers:message_store:{store[0]}]\nuri = {store[1]}\n'
                    f'[drivers:management_store:sqlalchemy]\n'
                    f'uri = sqlite:///{tmp}/mgmt.db\n')
        proc = subprocess.run(
            [sys.executable, '-m', 'zaqar.cmd.manage', '--config-file',
             new_conf, 'migrate-reference', '--from-config', ref.config,
             '--state-file', os.path.join(tmp, 'state.json')],
            capture_output=True, text=True, check=False)
        print(proc.stdout[-3000:])
        if proc.returncode:
            print(proc.stderr[-3000:], file=sys.stderr)
        return proc.returncode
    finally:
        ref.cleanup()
        _forget(source, project)
        subprocess.run(['rm', '-rf', tmp], check=False)


if __name__ == '__main__':
    sys.exit(main())
