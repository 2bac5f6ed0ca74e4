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

"""Read the reference's Redis layout (message store, or a Redis pool).

Keys, as the reference 23.x writes them (``P`` project, ``Q`` queue):

* ``P.queues_set``: sorted set of ``P.Q`` queue keys; hash ``P.Q`` holds
  ``m`` (msgpack metadata).
* ``P.Q.messages``: sorted set of message ids in post order; hash ``<id>``
  holds ``t`` ttl, ``cr`` created, ``e`` expires, ``c`` claim id, ``c.e``
  claim expires, ``c.c`` claim count, ``d`` delay expires (all epoch
  seconds), ``b`` msgpack body, ``cs`` checksum.
* ``P.Q.subscriptions``: sorted set of subscription ids; hash ``<id>``
  holds ``s`` queue, ``u`` subscriber, ``t`` ttl, ``e`` expires, ``o``
  msgpack options, ``p`` project, ``c`` confirmed (``1``/``0``).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator

import msgpack
import redis

from zaqar.migrate import records

QUEUES_SET = 'queues_set'
# Ids read per round trip.
_BATCH = 200


def connect(uri: str) -> redis.Redis:
    """A client for a reference Redis URI (``?dbid=N`` or ``/N`` picks the
    database, as the reference accepts)."""
    parsed = urllib.parse.urlparse(uri)
    query = urllib.parse.parse_qs(parsed.query)
    db = query.get('dbid', [None])[0]
    if db is None and parsed.path.strip('/').isdigit():
        db = parsed.path.strip('/')
    if parsed.scheme == 'redis' and parsed.hostname is None and parsed.path:
        return redis.Redis(unix_socket_path=parsed.path, db=int(db or 0))
    return redis.Redis(host=parsed.hostname or '127.0.0.1',
                       port=parsed.port or 6379, db=int(db or 0),
                       password=parsed.password)


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _float(value, default: float = 0.0) -> float:
    try:
        return float(value) if value not in (None, b'') else default
    except ValueError:
        return default


class RedisLayout:
    """Queues, messages and subscriptions of one reference Redis store."""

    def __init__(self, uri: str):
        self.uri = uri
        self.client = connect(uri)

    def queues(self) -> Iterator[records.Queue]:
        suffix = '.' + QUEUES_SET
        for key in self.client.scan_iter(match='*' + suffix, count=500):
            project = _text(key)[:-len(suffix)]
            for member in self.client.zrange(key, 0, -1):
                name = _text(member)[len(project) + 1:]
                packed = self.client.hget(member, 'm')
                metadata = msgpack.unpackb(packed) if packed else {}
                yield records.Queue(project, name, metadata)

    def messages(self, project: str, queue: str,
                 now: float) -> Iterator[records.Message]:
        ids = self.client.zrange(f'{project}.{queue}.messages', 0, -1)
        for start in range(0, len(ids), _BATCH):
            pipe = self.client.pipeline(transaction=False)
            for message_id in ids[start:start + _BATCH]:
                pipe.hgetall(message_id)
            for fields in pipe.execute():
                message = self._message(fields, now)
                if message is not None:
                    yield message

    @staticmethod
    def _message(fields: dict, now: float) -> records.Message | None:
        if not fields:
            return None
        ttl = records.remaining(_float(fields.get(b'e')), now)
        if ttl <= 0:
            return None
        claim_id = _text(fields.get(b'c') or b'')
        claim_left = (records.remaining(_float(fields.get(b'c.e')), now)
                      if claim_id else 0)
        delay_left = records.remaining(_float(fields.get(b'd')), now)
        checksum = fields.get(b'cs')
        return records.Message(
            id=_text(fields[b'id']), body=msgpack.unpackb(fields[b'b']),
            ttl=ttl, hold=max(claim_left, delay_left),
            claimed=claim_left > 0,
            checksum=_text(checksum) if checksum else None)

    def subscriptions(self, project: str, queue: str,
                      now: float) -> Iterator[records.Subscription]:
        for sid in self.client.zrange(f'{project}.{queue}.subscriptions',
                                      0, -1):
            fields = self.client.hgetall(sid)
            if not fields:
                continue
            ttl = records.remaining(_float(fields.get(b'e')), now)
            if ttl <= 0:
                continue
            packed = fields.get(b'o')
            yield records.Subscription(
                project=project, queue=queue, id=_text(sid),
                subscriber=_text(fields[b'u']), ttl=ttl,
                options=msgpack.unpackb(packed) if packed else {},
                confirmed=_text(fields.get(b'c', b'0')) in ('1', 'True'))

    def close(self) -> None:
        self.client.close()
