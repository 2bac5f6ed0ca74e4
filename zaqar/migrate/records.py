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

"""What the layout readers yield: the reference's data, store-neutral.

Times are already turned into what remains from the moment of reading, so
the copier never needs to know how a layout keeps its clocks.
"""

from __future__ import annotations

import dataclasses
from typing import Any


@dataclasses.dataclass(frozen=True)
class Queue:
    project: str
    name: str
    metadata: dict


@dataclasses.dataclass(frozen=True)
class Message:
    """A live message: ``ttl`` is its remaining lifetime in seconds;
    ``hold`` the seconds it stays invisible (live claim or delay)."""

    id: str
    body: Any
    ttl: int
    hold: int = 0
    claimed: bool = False
    checksum: str | None = None


@dataclasses.dataclass(frozen=True)
class Subscription:
    project: str
    queue: str
    id: str
    subscriber: str
    ttl: int
    options: dict
    confirmed: bool


@dataclasses.dataclass(frozen=True)
class Pool:
    name: str
    uri: str
    weight: int
    flavor: str | None
    options: dict


@dataclasses.dataclass(frozen=True)
class Flavor:
    name: str
    capabilities: dict


@dataclasses.dataclass(frozen=True)
class Placement:
    """A catalog entry: which pool holds a project's queue."""

    project: str
    queue: str
    pool: str


def remaining(until: float, now: float) -> int:
    """Whole seconds from ``now`` to ``until`` (0 when past)."""
    return max(0, int(until - now))
