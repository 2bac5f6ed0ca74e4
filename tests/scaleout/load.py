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

"""A posting load that records every answer, and the check that follows it.

Each poster thread sends single-message posts whose bodies are unique
(``{"n": "<thread>-<seq>"}``) and records the status, the time and the
body; a 201 is an acknowledgement. ``stored_bodies`` reads the queue back
page by page so a test can prove that every acknowledged body is there
exactly once.
"""

from __future__ import annotations

import collections
import dataclasses
import threading
import time
import uuid

import requests


@dataclasses.dataclass
class Answer:
    at: float
    status: int  # 0: no HTTP answer (connection refused or reset)
    body: str


class Poster:
    """``threads`` posters to ``url``'s queue until stopped."""

    def __init__(self, url: str, queue: str, project: str,
                 threads: int = 4, timeout: float = 10.0):
        self.url = url
        self.queue = queue
        self.project = project
        self.threads = threads
        self.timeout = timeout
        self.answers: list[Answer] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._workers: list[threading.Thread] = []

    def headers(self) -> dict:
        return {'Client-ID': str(uuid.uuid4()), 'X-Project-ID': self.project,
                'Content-Type': 'application/json'}

    def _run(self, index: int) -> None:
        session = requests.Session()
        session.headers.update(self.headers())
        target = f'{self.url}/v2/queues/{self.queue}/messages'
        seq = 0
        while not self._stop.is_set():
            seq += 1
            body = f'{index}-{seq}'
            try:
                resp = session.post(
                    target, json={'messages': [{'body': {'n': body},
                                                'ttl': 3600}]},
                    timeout=self.timeout)
                status = resp.status_code
            except requests.RequestException:
                status = 0
                session = requests.Session()
                session.headers.update(self.headers())
                time.sleep(0.01)
            with self._lock:
                self.answers.append(Answer(time.monotonic(), status, body))

    def start(self) -> Poster:
        for index in range(self.threads):
            worker = threading.Thread(target=self._run, args=(index,),
                                      daemon=True)
            worker.start()
            self._workers.append(worker)
        return self

    def stop(self) -> None:
        self._stop.set()
        for worker in self._workers:
            worker.join(timeout=self.timeout + 5)

    def acknowledged(self) -> set[str]:
        return {a.body for a in self.answers if a.status == 201}

    def statuses(self) -> collections.Counter:
        return collections.Counter(a.status for a in self.answers)

    def failure_window(self) -> float:
        """Seconds from the first to the last answer that was not 201."""
        failed = [a.at for a in self.answers if a.status != 201]
        return max(failed) - min(failed) if failed else 0.0

    def longest_gap(self) -> float:
        """The longest time without an acknowledgement: how long clients
        could not write."""
        times = sorted(a.at for a in self.answers if a.status == 201)
        return max((b - a for a, b in zip(times, times[1:])), default=0.0)

    def ok_after(self, moment: float) -> int:
        return sum(1 for a in self.answers
                   if a.status == 201 and a.at > moment)


def stored_bodies(url: str, queue: str, project: str,
                  deadline: float = 120.0) -> list[str]:
    """Every message body ``n`` in the queue (claimed ones included)."""
    session = requests.Session()
    session.headers.update({'Client-ID': str(uuid.uuid4()),
                            'X-Project-ID': project})
    path = (f'/v2/queues/{queue}/messages?echo=true&include_claimed=true'
            '&limit=20')
    bodies: list[str] = []
    give_up = time.monotonic() + deadline
    while path and time.monotonic() < give_up:
        resp = session.get(url + path, timeout=10)
        if resp.status_code == 503:
            time.sleep(0.2)
            continue
        resp.raise_for_status()
        if resp.status_code == 204:
            break
        page = resp.json()
        if not page.get('messages'):
            break
        bodies += [m['body']['n'] for m in page['messages']]
        path = next((link['href'] for link in page.get('links', ())
                     if link.get('rel') == 'next'), None)
    return bodies
