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
