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

"""A request body that each operation parses when (and if) it needs to."""

from __future__ import annotations

import json
from typing import Any

from zaqar.common import errors, strict_json

_ABSENT = object()


class Payload:
    """The body of one request.

    HTTP hands over raw bytes (parsed lazily, so size limits are checked
    before any parsing); WebSocket hands over an already decoded document.
    ``size`` is the byte length the limits apply to (None: no body at all).
    """

    __slots__ = ('raw', 'size', '_document')

    def __init__(self, raw: bytes | None = None, *, size: int | None = None,
                 document: Any = _ABSENT):
        self.raw = raw
        self._document = document
        if size is None:
            if raw is not None:
                size = len(raw)
            elif document is not _ABSENT:
                size = len(json.dumps(document))
        self.size = size

    @classmethod
    def from_document(cls, document: Any) -> 'Payload':
        return cls(document=document)

    @property
    def present(self) -> bool:
        """Whether the client sent a body at all (even an empty one)."""
        return self.size is not None

    @property
    def empty(self) -> bool:
        return not self.size

    def parse(self) -> Any:
        """The JSON document. Raises InvalidBody if it does not parse."""
        if self._document is _ABSENT:
            if not self.raw:
                raise errors.BodyUnparsable()
            try:
                self._document = strict_json.loads(self.raw)
            except strict_json.Refused as exc:
                raise errors.InvalidBody(str(exc))
            except (ValueError, UnicodeDecodeError):
                raise errors.BodyUnparsable()
        return self._document

    def parse_optional(self, default: Any = None) -> Any:
        """The JSON document, or ``default`` when no or an empty body."""
        if self.empty and self._document is _ABSENT:
            return default
        return self.parse()
