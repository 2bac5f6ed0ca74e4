"""What one delivery attempt came to, as the pipeline settles it."""

from __future__ import annotations

import dataclasses

DELIVERED = 'delivered'
# Nothing to deliver any more (subscription gone, or waiting for a
# confirmation that a message delivery does not wait for): drop it.
DROPPED = 'dropped'
# A transient failure: try again per the retry policy.
RETRY = 'retry'
# A permanent failure: record it on the subscription at once.
FAILED = 'failed'


@dataclasses.dataclass(frozen=True, slots=True)
class Outcome:
    status: str
    error: str | None = None

    @property
    def settled(self) -> bool:
        """Whether the delivery leaves the outbox without a failure."""
        return self.status in (DELIVERED, DROPPED)


def delivered() -> Outcome:
    return Outcome(DELIVERED)


def dropped(why: str) -> Outcome:
    return Outcome(DROPPED, why)


def retry(error: str) -> Outcome:
    return Outcome(RETRY, error)


def failed(error: str) -> Outcome:
    return Outcome(FAILED, error)
