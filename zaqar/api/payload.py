"""A request body that each operation parses when (and if) it needs to."""

from __future__ import annotations

import json
from typing import Any

from zaqar.common import errors

_ABSENT = object()
# Integers must fit a signed 64-bit field in every backend.
_INT_BOUND = 2 ** 63


class _IntegerTooLarge(ValueError):
    pass


def _checked_int(text: str) -> int:
    value = int(text)
    if not -_INT_BOUND <= value < _INT_BOUND:
        raise _IntegerTooLarge(text)
    return value


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
                raise errors.InvalidBody('Request body could not be parsed.')
            try:
                self._document = json.loads(self.raw, parse_int=_checked_int)
            except _IntegerTooLarge:
                raise errors.InvalidBody(
                    'JSON contains integer that is too large.')
            except (ValueError, UnicodeDecodeError):
                raise errors.InvalidBody('Request body could not be parsed.')
            except RecursionError:
                raise errors.InvalidBody('Request body is nested too deeply.')
        return self._document

    def parse_optional(self, default: Any = None) -> Any:
        """The JSON document, or ``default`` when no or an empty body."""
        if self.empty and self._document is _ABSENT:
            return default
        return self.parse()
