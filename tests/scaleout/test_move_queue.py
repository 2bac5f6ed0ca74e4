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

"""``zaqar-manage pool move-queue`` against a live pooled zaqar-server.

One zaqar-server (two worker processes, catalog cache 1 s) over a SQLite
management store with three pools of different engines: a private Redis,
a PostgreSQL database and a SQLite file. While posters keep posting and a
consumer keeps claiming and deleting, the command moves the queue from one
engine to another. Afterwards every acknowledged message was either
consumed once or is stored once, each poster's messages are in the order
it posted them, messages posted before the move come first, and a claim
taken before the move still holds its messages, can delete them, be
renewed and be released.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import unittest
import uuid

import requests

from tests import backends
from tests.functional import pooled
from tests.functional.base import _ClassLevel
from tests.scaleout import load
from zaqar.storage.pooling import catalog as catalog_mod
from zaqar.storage.pooling import mover as mover_mod

CACHE_TTL = 1.0
POSTERS = 3
# Messages posted (and partly claimed) before the move starts.
BEFORE = 40


class Consumer:
    """Claims a few messages at a time and deletes them with the claim."""

    def __init__(self, url: str, queue: str, project: str):
        self.session = requests.Session()
        self.session.headers.update({'Client-ID': str(uuid.uuid4()),
                                     'X-Project-ID': project})
        self.base = f'{url}/v2/queues/{queue}'
        self.consumed: list[str] = []
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            resp = self.session.post(self.base + '/claims?limit=3',
                                     json={'ttl': 60, 'grace': 60},
                                     timeout=10)
            if resp.status_code == 204:
                time.sleep(0.05)
                continue
            if resp.status_code != 201:
                self.errors.append(f'claim {resp.status_code} {resp.text}')
                continue
            for message in resp.json()['messages']:
                gone = self.session.delete(
                    f'{self.base}/messages/{message["id"]}',
                    params={'claim_id': message['href'].split('claim_id=')
                            [-1]}, timeout=10)
                if gone.status_code == 204:
                    self.consumed.append(message['body']['n'])
                else:
                    self.errors.append(
                        f'delete {gone.status_code} {gone.text}')
            time.sleep(0.05)

    def start(self) -> Consumer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(20)


class MoveQueueTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        level = _ClassLevel()
        cls.pg = backends.ALL['postgresql'](level)
        pg_uri, _ = cls.pg.setup()
        try:
            cls.pools = pooled.PooledServers(level, redis=1,
                                             cache_ttl=CACHE_TTL)
            cls.server = cls.pools.start_server(workers=2)
            cls.admin = pooled.admin(cls.server.url)
            cls.uris = {'redis': cls.pools.redis[0].url, 'postgresql': pg_uri,
                        'sqlite': cls.pools.sqlite_uri('sqlite-pool')}
            for name, uri in cls.uris.items():
                pooled.register(cls.admin, name, uri, weight=1)
            cls.pools.settle()
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, 'pools', None) is not None:
            cls.pools.stop()
        cls.pg.cleanup()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.project = 'move-' + uuid.uuid4().hex[:8]
        self.queue = 'moving-' + uuid.uuid4().hex[:6]
        self.session = requests.Session()
        self.session.headers.update({'Client-ID': str(uuid.uuid4()),
                                     'X-Project-ID': self.project})
        self.base = f'{self.server.url}/v2/queues/{self.queue}'

    def place_on(self, pool: str) -> None:
        """New queues go to ``pool`` only (others get weight 0)."""
        for name in self.uris:
            resp = self.admin.patch(f'/v2/pools/{name}',
                                    json={'weight': 100 if name == pool
                                          else 0})
            self.assertEqual(200, resp.status_code, resp.text)
        time.sleep(CACHE_TTL + 0.5)

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, '-m', 'zaqar.cmd.manage', '--config-file',
             self.server.config, 'pool', 'move-queue', *args],
            capture_output=True, text=True, timeout=300,
            env=dict(os.environ))

    def settled_bodies(self, expected: list[str]) -> list[str]:
        """The stored bodies once they equal ``expected`` or the mover's
        hold ran out: a copy the killed mover wrote but had not released
        yet stays hidden until then."""
        deadline = time.monotonic() + mover_mod.HOLD + 5
        while True:
            stored = load.stored_bodies(self.server.url, self.queue,
                                        self.project)
            if stored == expected or time.monotonic() > deadline:
                return stored
            time.sleep(1)

    def post_before(self) -> list[str]:
        bodies = [f'pre-{i:03d}' for i in range(BEFORE)]
        for start in range(0, BEFORE, 10):
            resp = self.session.post(self.base + '/messages', json={
                'messages': [{'body': {'n': b}, 'ttl': 3600}
                             for b in bodies[start:start + 10]]},
                timeout=10)
            self.assertEqual(201, resp.status_code, resp.text)
        return bodies

    def check_move(self, source: str, target: str) -> None:
        self.place_on(source)
        resp = self.session.put(self.base, json={'note': 'kept'},
                                timeout=10)
        self.assertEqual(201, resp.status_code, resp.text)
        store = self.pools.store()
        self.addCleanup(store.close)
        self.assertEqual(source, store.catalogue_controller.get(
            self.project, self.queue))
        before = self.post_before()
        resp = self.session.post(self.base + '/claims?limit=5',
                                 json={'ttl': 300, 'grace': 60}, timeout=10)
        self.assertEqual(201, resp.status_code, resp.text)
        held = resp.json()['messages']
        claim_id = held[0]['href'].split('claim_id=')[-1]
        self.assertEqual(before[:5], [m['body']['n'] for m in held])

        poster = load.Poster(self.server.url, self.queue, self.project,
                             threads=POSTERS).start()
        consumer = Consumer(self.server.url, self.queue,
                            self.project).start()
        try:
            time.sleep(1)
            done = self.manage('--project', self.project, '--queue',
                               self.queue, '--to', target)
            time.sleep(1)
        finally:
            poster.stop()
            consumer.stop()
        self.assertEqual(0, done.returncode, done.stdout + done.stderr)
        self.assertIn(f'to pool {target}', done.stdout)

        # The catalogue: on the target, no move left over.
        self.assertEqual(target, store.catalogue_controller.get(
            self.project, self.queue))
        self.assertIsNone(store.catalogue_controller.get(
            catalog_mod.move_key(self.project), self.queue))
        self.assertEqual('kept', self.session.get(
            self.base, timeout=10).json().get('note'))

        # The claim taken before the move is honoured after it.
        claim = self.session.get(f'{self.base}/claims/{claim_id}',
                                 timeout=10)
        self.assertEqual(200, claim.status_code, claim.text)
        self.assertEqual([m['id'] for m in held],
                         [m['id'] for m in claim.json()['messages']])
        self.assertEqual(204, self.session.patch(
            f'{self.base}/claims/{claim_id}', json={'ttl': 120},
            timeout=10).status_code)
        for message in held[:3]:
            self.assertEqual(204, self.session.delete(
                f'{self.base}/messages/{message["id"]}',
                params={'claim_id': claim_id}, timeout=10).status_code)
        self.assertEqual(204, self.session.delete(
            f'{self.base}/claims/{claim_id}', timeout=10).status_code)
        deleted = {m['body']['n'] for m in held[:3]}

        stored = load.stored_bodies(self.server.url, self.queue,
                                    self.project)
        consumed = consumer.consumed
        everything = stored + consumed + sorted(deleted)
        self.assertEqual(len(everything), len(set(everything)),
                         'a message is there twice')
        acknowledged = poster.acknowledged() | set(before)
        self.assertEqual(set(), acknowledged - set(everything), 'lost')
        self.assertEqual(set(), set(everything) - acknowledged, 'unknown')
        self.assertEqual([], consumer.errors)
        # FIFO: messages posted before the move first, then each poster's
        # in the order it posted them.
        pre = [b for b in stored if b.startswith('pre-')]
        self.assertEqual(pre, stored[:len(pre)])
        self.assertEqual(sorted(pre), pre)
        for index in range(POSTERS):
            seqs = [int(b.split('-')[1]) for b in stored
                    if b.startswith(f'{index}-')]
            self.assertEqual(sorted(seqs), seqs, f'poster {index}')
        moved = [line for line in done.stdout.splitlines()
                 if line.startswith(f'Queue {self.queue}: moved')]
        print(f'move {source} -> {target}: {len(poster.acknowledged())} '
              f'posts during the move, {len(consumed)} consumed, '
              f'{len(stored)} stored; {moved[-1] if moved else ""}')

    def test_redis_to_postgresql_under_load(self):
        self.check_move('redis', 'postgresql')

    def test_sqlite_to_redis_under_load(self):
        self.check_move('sqlite', 'redis')

    def test_a_rerun_after_the_move_changes_nothing(self):
        self.place_on('sqlite')
        self.post_before()
        first = self.manage('--project', self.project, '--queue',
                            self.queue, '--to', 'redis', '--settle', '0')
        self.assertEqual(0, first.returncode, first.stderr)
        again = self.manage('--project', self.project, '--queue',
                            self.queue, '--to', 'redis')
        self.assertEqual(0, again.returncode, again.stderr)
        self.assertIn('already', again.stdout)
        stored = load.stored_bodies(self.server.url, self.queue,
                                    self.project)
        self.assertEqual([f'pre-{i:03d}' for i in range(BEFORE)], stored)

    def test_a_killed_move_is_finished_by_running_it_again(self):
        self.place_on('sqlite')
        bodies = []
        for start in range(0, 300, 20):
            chunk = [f'k-{i:03d}' for i in range(start, start + 20)]
            resp = self.session.post(self.base + '/messages', json={
                'messages': [{'body': {'n': b}, 'ttl': 3600}
                             for b in chunk]}, timeout=10)
            self.assertEqual(201, resp.status_code, resp.text)
            bodies += chunk
        command = subprocess.Popen(
            [sys.executable, '-m', 'zaqar.cmd.manage', '--config-file',
             self.server.config, 'pool', 'move-queue', '--project',
             self.project, '--queue', self.queue, '--to', 'postgresql',
             '--batch', '10', '--settle', '0'],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            for line in command.stdout:
                if line.endswith('messages moved.\n'):
                    break  # the first batches went over: interrupt it
        finally:
            command.kill()
            command.wait()
            command.stdout.close()
        store = self.pools.store()
        self.addCleanup(store.close)
        self.assertIsNotNone(store.catalogue_controller.get(
            catalog_mod.move_key(self.project), self.queue))
        # Half moved, the queue reads whole and in order.
        self.assertEqual(bodies, self.settled_bodies(bodies))
        again = self.manage('--project', self.project, '--queue',
                            self.queue, '--to', 'postgresql',
                            '--settle', '0')
        self.assertEqual(0, again.returncode, again.stdout + again.stderr)
        self.assertEqual('postgresql', store.catalogue_controller.get(
            self.project, self.queue))
        self.assertEqual(bodies, self.settled_bodies(bodies))

    def test_unknown_pool_and_unplaced_queue_are_refused(self):
        unknown = self.manage('--project', self.project, '--queue',
                              self.queue, '--to', 'nowhere')
        self.assertEqual(1, unknown.returncode)
        self.assertIn('Pool nowhere is not registered', unknown.stderr)
        unplaced = self.manage('--project', self.project, '--queue',
                               self.queue, '--to', 'redis')
        self.assertEqual(1, unplaced.returncode)
        self.assertIn('not placed on any pool', unplaced.stderr)
