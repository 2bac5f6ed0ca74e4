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

"""Plain, immutable records that storage controllers return."""

from __future__ import annotations

import dataclasses
from typing import Any


@dataclasses.dataclass(frozen=True, slots=True)
class Message:
    """A message as read from storage.

    ``ttl`` is the total lifetime in seconds counted from ``created`` (a claim
    may raise it); ``claim_id`` is set only while a claim on it is live.
    """

    id: str
    body: Any
    ttl: int
    age: int
    created: float
    claim_id: str | None = None
    claim_count: int = 0
    checksum: str | None = None
    dedup_id: str | None = None
    group: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Queue:
    """A queue name and, when asked for, its stored metadata."""

    name: str
    metadata: dict | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class MessageStamp:
    """Where and when a message sits: used for a queue's oldest/newest."""

    id: str
    created: float
    age: int


@dataclasses.dataclass(frozen=True, slots=True)
class QueueStats:
    """Counts of live (unexpired) messages in one queue."""

    claimed: int = 0
    free: int = 0
    oldest: MessageStamp | None = None
    newest: MessageStamp | None = None

    @property
    def total(self) -> int:
        return self.claimed + self.free


@dataclasses.dataclass(frozen=True, slots=True)
class Claim:
    """A live claim: its remaining lifetime and the messages it holds."""

    id: str
    ttl: int
    age: int
    messages: tuple[Message, ...] = ()


class Claimed(tuple):
    """What one claim call did.

    Unpacks as the ``(claim id, messages)`` pair callers always received
    (``(None, [])``: nothing claimed); ``dead_lettered`` counts the
    messages the same call moved to the dead-letter queue instead of
    claiming them, which only the driver knows (metrics count them).
    """

    dead_lettered: int

    def __new__(cls, claim_id: str | None, messages: list[Message],
                dead_lettered: int = 0) -> Claimed:
        self = super().__new__(cls, (claim_id, messages))
        self.dead_lettered = dead_lettered
        return self

    def __getnewargs__(self):
        return (self[0], self[1], self.dead_lettered)


@dataclasses.dataclass(frozen=True, slots=True)
class Subscription:
    """A subscriber URI attached to a queue (``source``)."""

    id: str
    source: str
    subscriber: str
    ttl: int
    age: int
    options: dict
    confirmed: bool = False
