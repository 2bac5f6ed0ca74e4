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

"""Conversions between Python values and what the driver stores.

Times: ``created`` fields are float epoch seconds (exact ages); every
deadline (``expires``, ``claim_expires``, ``visible_at``) is a BSON date
(naive UTC, millisecond precision) so one TTL index can back-stop garbage
collection. Free-form JSON (message bodies, queue metadata, subscription
options) is stored as JSON text: any key (``$x``, ``a.b``) and any integer
size round-trips, which BSON documents would not guarantee.
"""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

from bson import ObjectId
from bson.errors import InvalidId

#: The "never" deadline: an unclaimed message's claim_expires.
EPOCH = datetime.datetime(1970, 1, 1)


def to_date(timestamp: float) -> datetime.datetime:
    """Epoch seconds -> naive UTC datetime truncated to milliseconds."""
    millis = int(timestamp * 1000)
    return EPOCH + datetime.timedelta(milliseconds=millis)


def to_oid(value: Any) -> ObjectId | None:
    """An ObjectId from a 24-hex string, or None for anything else."""
    if not isinstance(value, str) or len(value) != 24:
        return None
    try:
        return ObjectId(value)
    except (InvalidId, TypeError):
        return None


def to_oids(values: Any) -> list[ObjectId]:
    """The well-formed ids among ``values`` (malformed ones are dropped)."""
    oids = (to_oid(value) for value in values or ())
    return [oid for oid in oids if oid is not None]


# A message or claim id imported from an engine that makes UUIDs (a queue
# moved here from SQL or Redis keeps its ids; zaqar.storage.transfer).
_UUID = re.compile(
    r'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')


def to_id(value: Any) -> ObjectId | str | None:
    """A message or claim ``_id``: an ObjectId from 24 hex digits, the
    string itself for a canonical UUID, None for anything else."""
    if isinstance(value, str) and _UUID.match(value):
        return value
    return to_oid(value)


def to_ids(values: Any) -> list[ObjectId | str]:
    """The well-formed message ids among ``values``."""
    ids = (to_id(value) for value in values or ())
    return [i for i in ids if i is not None]


def from_date(value: datetime.datetime) -> float:
    """A stored deadline as epoch seconds (inverse of to_date)."""
    return (value - EPOCH) / datetime.timedelta(seconds=1)


def dump_json(value: Any) -> str:
    """Serialise a JSON value compactly (non-ASCII kept as is)."""
    return json.dumps(value, ensure_ascii=False, separators=(',', ':'))


def load_json(text: str | None, default: Any = None) -> Any:
    """Parse what dump_json wrote; ``default`` when the field is absent."""
    if text is None:
        return default
    return json.loads(text)


def age(created: float, now: float) -> int:
    """Whole seconds since ``created`` (never negative)."""
    return max(0, int(now - created))
