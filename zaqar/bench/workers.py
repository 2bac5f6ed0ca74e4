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

"""The three worker loops: producer, consumer and observer."""

from __future__ import annotations

import itertools
import json
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from zaqar.bench.accounting import Ledger, message_id
from zaqar.bench.client import Client, Reply
from zaqar.bench.stats import OpStats

PRODUCER = 'producer'
CONSUMER = 'consumer'
OBSERVER = 'observer'
ROLES = (PRODUCER, CONSUMER, OBSERVER)

# Claim parameters: long enough that no claim lapses during a run, so a
# second delivery would be a real fault rather than an expected retry.
CLAIM_BODY = json.dumps({'ttl': 300, 'grace': 60}).encode()
CLAIM_LIMIT = 10
# A consumer of the mixed scenario that finds the queue empty waits this
# long before claiming again, rather than spinning on 204 answers.
EMPTY_PAUSE = 0.01


@dataclass
class WorkerSpec:
    """What one worker does: its role, queue and (producers) batch size."""

    role: str
    queue: str
    batch: int = 1
    # Consumers: stop at the first empty claim (nothing more will come).
    stop_when_empty: bool = False
    claim_limit: int = CLAIM_LIMIT
    # Producers: give every message a new dedup_id (DEDUP_SLOT).
    dedup: bool = False


@dataclass
class WorkerResult:
    """What one worker measured, in a form that pickles."""

    role: str
    ops: dict[str, OpStats] = field(default_factory=dict)
    ledger: Ledger = field(default_factory=Ledger)
    finished_at: float = 0.0
    ran_dry: bool = False
    empty_claims: int = 0
    reconnects: int = 0

    def op(self, name: str) -> OpStats:
        if name not in self.ops:
            self.ops[name] = OpStats()
        return self.ops[name]


# Stands for a message's dedup_id in a payload; producers replace it with
# a new value for every post (one message per post: see produce()).
DEDUP_SLOT = b'@@dedup@@'


def batch_payload(count: int, body_size: int, ttl: int = 3600,
                  groups: int = 0, dedup: bool = False) -> bytes:
    """A POST body of ``count`` messages, each ``body`` ``body_size`` bytes.

    The message body is ``{"data": "xxx..."}`` padded so that its JSON text
    is ``body_size`` bytes (or the smallest such object). With ``groups``,
    message i of the batch is in FIFO group ``g<i mod groups>``; with
    ``dedup``, each carries the dedup_id placeholder DEDUP_SLOT.
    """
    padding = max(0, body_size - len(json.dumps({'data': ''})))
    message = {'ttl': ttl, 'body': {'data': 'x' * padding}}
    if dedup:
        message['dedup_id'] = DEDUP_SLOT.decode()
    messages = [message] * count
    if groups:
        messages = [dict(message, group=f'g{i % groups}')
                    for i in range(count)]
    return json.dumps({'messages': messages}).encode()


def _messages_path(queue: str) -> str:
    return f'/v2/queues/{queue}/messages'


def _posted_ids(reply: Reply) -> list[str]:
    try:
        return [message_id(h) for h in reply.json()['resources']]
    except (ValueError, KeyError, TypeError):
        return []


def post_batch(client: Client, queue: str, payload: bytes,
               result: WorkerResult, op: str = 'post') -> Reply:
    """POST one batch and book the ids the server returned."""
    reply = client.request('POST', _messages_path(queue), payload)
    ids = _posted_ids(reply) if reply.status == 201 else []
    error = reply.error
    if reply.ok and not ids:
        error = 'no-resources'
    result.ledger.post(ids)
    result.op(op).record(reply.seconds, len(ids), error)
    return reply


def produce(client: Client, spec: WorkerSpec, payload: bytes,
            deadline: float, result: WorkerResult) -> None:
    """Post batches until the deadline."""
    fresh = None
    if spec.dedup:
        prefix = uuid.uuid4().hex
        fresh = (f'{prefix}-{n}'.encode() for n in itertools.count())
    while time.monotonic() < deadline:
        body = payload
        if fresh is not None:
            body = payload.replace(DEDUP_SLOT, next(fresh))
        post_batch(client, spec.queue, body, result)
        result.finished_at = time.monotonic()


def _claim_id(message: dict, reply: Reply) -> str | None:
    query = urlsplit(message.get('href', '')).query
    found = parse_qs(query).get('claim_id')
    if found:
        return found[0]
    if reply.location:
        return reply.location.rstrip('/').rsplit('/', 1)[-1]
    return None


def claim_and_delete(client: Client, spec: WorkerSpec,
                     result: WorkerResult) -> int | None:
    """Claim up to ``spec.claim_limit`` messages and delete each one.

    Every claimed message is deleted, whatever the time, so that no claim
    outlives the run. Returns how many messages were claimed, or None when
    the queue had nothing claimable (204).
    """
    path = f'/v2/queues/{spec.queue}/claims?limit={spec.claim_limit}'
    reply = client.request('POST', path, CLAIM_BODY)
    if reply.status == 204:
        result.op('claim').record(reply.seconds)
        result.empty_claims += 1
        return None
    messages = []
    error = reply.error
    if reply.status == 201:
        try:
            messages = reply.json()['messages']
        except (ValueError, KeyError, TypeError):
            error = 'bad-claim-body'
    result.op('claim').record(reply.seconds, 0, error)
    ids = [m['id'] for m in messages]
    result.ledger.deliver(ids)
    for message in messages:
        claim_id = _claim_id(message, reply)
        path = (f'{_messages_path(spec.queue)}/{message["id"]}'
                f'?claim_id={claim_id}')
        deleted = client.request('DELETE', path)
        if deleted.ok:
            result.ledger.consume(message['id'])
        result.op('delete').record(deleted.seconds, 1, deleted.error)
    return len(messages)


def consume(client: Client, spec: WorkerSpec, deadline: float,
            result: WorkerResult) -> None:
    """Claim-and-delete until the deadline (or the queue runs dry)."""
    while time.monotonic() < deadline:
        claimed = claim_and_delete(client, spec, result)
        result.finished_at = time.monotonic()
        if claimed is None:
            if spec.stop_when_empty:
                result.ran_dry = True
                return
            time.sleep(EMPTY_PAUSE)


def observe(client: Client, spec: WorkerSpec, deadline: float,
            result: WorkerResult) -> None:
    """Page through the queue's messages, from the start again at the end."""
    first = f'{_messages_path(spec.queue)}?limit=10&echo=true'
    path = first
    while time.monotonic() < deadline:
        reply = client.request('GET', path)
        listed = 0
        error = reply.error
        path = first
        if reply.status == 200:
            try:
                doc = reply.json()
                listed = len(doc['messages'])
                links = [link['href'] for link in doc.get('links', [])
                         if link.get('rel') == 'next']
                if listed and links:
                    path = links[0]
            except (ValueError, KeyError, TypeError):
                error = 'bad-list-body'
        result.op('list').record(reply.seconds, listed, error)
        result.finished_at = time.monotonic()


def run_worker(client: Client, spec: WorkerSpec, payload: bytes,
               deadline: float) -> WorkerResult:
    """Run one worker's loop until ``deadline`` (a time.monotonic value)."""
    result = WorkerResult(spec.role)
    try:
        if spec.role == PRODUCER:
            produce(client, spec, payload, deadline, result)
        elif spec.role == CONSUMER:
            consume(client, spec, deadline, result)
        elif spec.role == OBSERVER:
            observe(client, spec, deadline, result)
        else:
            raise ValueError(f'unknown role {spec.role!r}')
    finally:
        result.reconnects = client.reconnects
        client.close()
    return result
