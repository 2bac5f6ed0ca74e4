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

"""Queue export and import between drivers: the storage side of a pool move.

A move (``zaqar.storage.pooling.mover``) takes a queue's messages from the
tail of the source, writes them at the *head* of the destination (where
new posts already arrive) and then removes them from the source, so that
"source, then destination" stays in FIFO order at every step. The queue's
dedup records go with it (``DedupRecord``), so that a retried post is not
stored twice because the queue changed pools in between.

Every driver keeps message and claim ids as they are: ids are opaque
strings of at most 36 characters (UUIDs on SQL and Redis, 24-hex ObjectIds
on MongoDB) and each driver accepts the other engines' formats for ids it
imported. A consumer holding a claim therefore keeps deleting its messages
and renewing or releasing its claim by the same ids after the move; no id
mapping is kept. An id is unique within a store (SQL enforces it), which
a move respects by construction: pools have distinct stores. Times are
absolute epoch seconds, so the remaining ttl,
delay and claim expiry carry over exactly (to the millisecond the
destination stores).
"""

from __future__ import annotations

import abc
import dataclasses
from collections.abc import Iterable, Sequence
from typing import Any

# Longest id any driver stores (SQL id columns are VARCHAR(36)).
MAX_ID_LENGTH = 36


@dataclasses.dataclass(frozen=True, slots=True)
class MessageRecord:
    """A stored message with everything a move must carry."""

    id: str
    body: Any
    created: float
    expires: float
    delay_until: float = 0.0
    client_uuid: str | None = None
    checksum: str | None = None
    #: Set only while the claim is live (as of the export).
    claim_id: str | None = None
    claim_expires: float | None = None
    claim_count: int = 0
    #: Idempotency key and FIFO group as posted (moves keep them).
    dedup_id: str | None = None
    group: str | None = None

    def same_state(self, other: MessageRecord) -> bool:
        """Whether a consumer changed nothing between the two reads."""
        return (self.claim_id == other.claim_id
                and _close(self.claim_expires, other.claim_expires)
                and _close(self.expires, other.expires)
                and self.claim_count == other.claim_count)


@dataclasses.dataclass(frozen=True, slots=True)
class ClaimRecord:
    """A live claim: ``renewed`` is when its ttl last started counting."""

    id: str
    ttl: int
    renewed: float
    expires: float
    grace: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class DedupRecord:
    """A queue's memory of a ``dedup_id``: the message first posted with
    it, until ``expires`` (epoch seconds)."""

    dedup_id: str
    message_id: str
    expires: float


def _close(a: float | None, b: float | None) -> bool:
    # Engines store times to the millisecond (MongoDB dates, Redis
    # records); a read of the same stored value never differs by more.
    if a is None or b is None:
        return a is b
    return abs(a - b) < 0.0015


def held(record: MessageRecord, until: float) -> MessageRecord:
    """The record kept invisible to claim, pop and default listing until
    ``until`` (its own delay if later): a copy not yet committed."""
    return dataclasses.replace(record,
                               delay_until=max(record.delay_until, until))


class TransferController(abc.ABC):
    """Low-level reads and writes of whole message records.

    Only the pool mover calls these; they bypass the API's checks (ids and
    times are taken as given) but keep each driver's indexes consistent.
    """

    @abc.abstractmethod
    def export_tail(self, queue: str, *, project: str,
                    limit: int) -> list[MessageRecord]:
        """The queue's last ``limit`` live messages (claimed and delayed
        included), oldest first."""

    @abc.abstractmethod
    def fetch(self, queue: str, message_ids: Iterable[str], *,
              project: str) -> list[MessageRecord]:
        """The live messages among ``message_ids``, in queue order."""

    @abc.abstractmethod
    def import_messages(self, queue: str, records: Sequence[MessageRecord],
                        *, project: str) -> None:
        """Upsert records by id, creating the queue record if missing.

        Ids the queue does not hold are inserted *before* every message it
        holds, in the given order (a move copies from the tail backwards).
        Ids it holds keep their place and take the record's expiry, delay
        and claim state. Claim records must be imported first.
        """

    @abc.abstractmethod
    def release(self, queue: str, records: Sequence[MessageRecord], *,
                project: str) -> None:
        """Give each message the queue still holds its record's
        ``delay_until`` back (ending a ``held`` copy); change nothing else
        (a consumer may have renewed its claim meanwhile) and never
        insert (it may have deleted the message)."""

    @abc.abstractmethod
    def remove_unchanged(self, queue: str, records: Sequence[MessageRecord],
                         *, project: str) -> list[str]:
        """Delete each message whose state still equals its record
        (``MessageRecord.same_state``); return the ids not deleted because
        they changed or are gone."""

    @abc.abstractmethod
    def export_claims(self, queue: str, *,
                      project: str) -> list[ClaimRecord]:
        """The queue's live claims."""

    @abc.abstractmethod
    def import_claims(self, queue: str, claims: Sequence[ClaimRecord], *,
                      project: str) -> None:
        """Upsert claim records by id (the queue record is created if
        missing); messages are attached by ``import_messages``."""

    @abc.abstractmethod
    def export_dedup(self, queue: str, *, project: str,
                     dedup_ids: Iterable[str] | None = None
                     ) -> list[DedupRecord]:
        """The queue's live dedup records: every one, or those of
        ``dedup_ids``."""

    @abc.abstractmethod
    def import_dedup(self, queue: str, records: Sequence[DedupRecord], *,
                     project: str) -> None:
        """Remember each record's ``dedup_id`` unless the queue already
        remembers it (a live record, or one a concurrent post is
        writing, wins); expired records are skipped. The queue record is
        created if missing."""
