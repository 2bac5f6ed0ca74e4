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

"""Stored record formats and their conversion to ``storage.models``.

Message record (a MessagePack array, written by the scripts)::

    [seq, created, ttl, delay_until, client_uuid, checksum, claim_id,
     claim_expires, claim_count(, dedup_id, group)]

The last two ('' = none) are only written for messages posted with one of
them, so plain messages keep the nine-field record.

Times are epoch seconds rounded to the millisecond, so they survive Lua's
14-digit number formatting exactly wherever they are printed. The ttl is
the lifetime from ``created``: whole seconds as posted, fractional once a
claim or a dead-letter move set the expiry from another instant (it is
reported rounded, the expiry itself stays exact). Bodies are
JSON text stored beside the record and never decoded by Redis. A
subscription record is the JSON array ``[subscriber, ttl, options (JSON
text), confirmed, created]``.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterator, Sequence
from typing import Any

import msgpack

from zaqar.storage import models

# Positions in a message record (mirrors scripts/lib.lua).
SEQ, CREATED, TTL, DELAY, CLIENT, CHECKSUM = range(6)
CLAIM, CLAIM_EXP, CLAIM_COUNT = 6, 7, 8
DEDUP, GROUP = 9, 10

_dumps = json.JSONEncoder(separators=(',', ':')).encode
_loads = json.loads
# Bodies are stored as the UTF-8 JSON text _dumps wrote: decoded without
# json.loads' per-call encoding sniffing.
_decode_text = json.JSONDecoder().decode


def now() -> float:
    """Wall-clock epoch seconds at millisecond resolution, rounded up so
    that it is never earlier than a time.time() read before the call."""
    wall = time.time()
    millis = math.ceil(wall * 1000)
    if millis / 1000 < wall:  # the product was rounded down
        millis += 1
    return millis / 1000


def text(value: bytes | str) -> str:
    return value.decode('utf-8') if isinstance(value, bytes) else value


def encode_body(body: Any) -> str:
    return _dumps(body)


def message(message_id: bytes | str, record: bytes | str,
            body: bytes | str | None, at: float) -> models.Message:
    """A Message from its stored record and body, as seen at ``at``."""
    info = decode_record(record)
    created = info[CREATED]
    claim_id = None
    if info[CLAIM] and info[CLAIM_EXP] > at:
        claim_id = info[CLAIM]
    return models.Message(
        id=text(message_id),
        body=_decode_text(text(body)) if body is not None else None,
        ttl=round(info[TTL]),
        age=int(at - created),
        created=created,
        claim_id=claim_id,
        claim_count=int(info[CLAIM_COUNT]),
        checksum=info[CHECKSUM] or None,
        dedup_id=(info[DEDUP] or None) if len(info) > DEDUP else None,
        group=(info[GROUP] or None) if len(info) > GROUP else None,
    )


def decode_record(record: bytes) -> list:
    """A message record as a list (see the module docstring)."""
    return msgpack.unpackb(record, raw=False)


def is_live(record: bytes, at: float) -> bool:
    info = decode_record(record)
    return info[CREATED] + info[TTL] > at


def triples(flat: Sequence[Any], start: int = 0
            ) -> Iterator[tuple[Any, Any, Any]]:
    """(id, record, body) groups of a flat script reply."""
    for i in range(start, len(flat) - 2, 3):
        yield flat[i], flat[i + 1], flat[i + 2]


def messages(flat: Sequence[Any], at: float,
             start: int = 0) -> list[models.Message]:
    return [message(i, r, b, at) for i, r, b in triples(flat, start)]


def dead_letter_fields(metadata: dict) -> tuple[str, str, str]:
    """(max claim count, dead-letter queue, dead-letter ttl) for the queue
    record, '' where unset, so scripts need not parse the metadata."""
    def integer(value: Any) -> str:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return ''

    dlq = metadata.get('_dead_letter_queue')
    dlttl = metadata.get('_dead_letter_queue_messages_ttl')
    return (integer(metadata.get('_max_claim_count')),
            dlq if isinstance(dlq, str) else '',
            integer(dlttl) if isinstance(dlttl, int) and dlttl > 0 else '')


def encode_metadata(metadata: dict | None) -> str:
    return _dumps(metadata or {})


def decode_json(raw: bytes | str) -> Any:
    return _loads(raw)


def subscription_record(subscriber: str, ttl: int, options: dict,
                        created: float) -> str:
    return _dumps([subscriber, ttl, _dumps(options), False, created])


def subscription(sub_id: bytes | str, queue: str, record: bytes | str,
                 at: float) -> models.Subscription:
    subscriber, ttl, options, confirmed, created = _loads(record)
    return models.Subscription(
        id=text(sub_id), source=queue, subscriber=subscriber, ttl=int(ttl),
        age=int(at - created), options=_loads(options),
        confirmed=bool(confirmed))
