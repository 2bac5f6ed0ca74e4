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

"""The one strict JSON reader for request bodies and WebSocket frames.

Python's ``json`` accepts what no other JSON reader does (``NaN``,
``Infinity``, ``1e400`` read as infinity, ``"\\ud800"``: a lone UTF-16
surrogate, which no UTF-8 store can hold) and nests as deep as the C stack
allows; whatever it accepts is later stored and served back as invalid JSON,
fails in the store, or blows the recursion limit of a later step. Every
client document goes through :func:`loads`, which refuses all of that with
:class:`Refused`.
"""

from __future__ import annotations

import json
import math
from typing import Any

# Integers must fit a signed 64-bit field in every backend.
INT_BOUND = 2 ** 63
# Deepest nesting of objects and arrays a client document may have; far
# above any real message body, far below every later step's recursion
# limit (and MongoDB's 100 levels of document nesting).
MAX_DEPTH = 64


class Refused(ValueError):
    """A document this service does not accept; ``str()`` says why."""


def _integer(text: str) -> int:
    value = int(text)
    if not -INT_BOUND <= value < INT_BOUND:
        raise Refused('JSON contains integer that is too large.')
    return value


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise Refused('JSON numbers must be finite.')
    return value


def _constant(name: str) -> Any:
    raise Refused(f'{name} is not a JSON number.')


def check_depth(document: Any, max_depth: int = MAX_DEPTH) -> None:
    """Raise Refused when ``document`` nests deeper than ``max_depth``."""
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > max_depth:
            raise Refused(f'JSON nests deeper than {max_depth} levels.')
        stack.extend((child, depth + 1) for child in children
                     if isinstance(child, (dict, list)))


def check_strings(document: Any) -> None:
    """Raise Refused when a string or key is not valid Unicode text."""
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            items = (value,)
        elif isinstance(value, dict):
            items = tuple(value)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
            continue
        else:
            continue
        for text in items:
            try:
                text.encode('utf-8')
            except UnicodeEncodeError:
                raise Refused('JSON strings must be valid Unicode (no lone '
                              'surrogates).') from None


def _may_have_surrogates(raw: str | bytes) -> bool:
    """Cheap pre-check: an escaped surrogate starts with \\ud8-\\udf
    (JSON spells the escape with a lowercase ``u``; its hex digits may be
    either case)."""
    if isinstance(raw, bytes):
        return b'\\ud' in raw or b'\\uD' in raw
    # Text frames arrive as valid UTF-8: only escapes can make surrogates.
    return '\\ud' in raw or '\\uD' in raw


def _may_be_too_deep(raw: str | bytes, max_depth: int) -> bool:
    """Cheap pre-check: fewer brackets than the limit cannot nest past it."""
    if isinstance(raw, str):
        return raw.count('{') + raw.count('[') > max_depth
    return raw.count(b'{') + raw.count(b'[') > max_depth


# Built once: json.loads with hooks builds a new decoder on every call.
_DECODER = json.JSONDecoder(parse_int=_integer, parse_float=_finite,
                            parse_constant=_constant)


def _text(raw: str | bytes) -> str:
    """What json.loads decodes bytes to (UTF-8, -16 or -32 by sniffing)."""
    if isinstance(raw, str):
        return raw
    return raw.decode(json.detect_encoding(raw), 'surrogatepass')


def loads(raw: str | bytes, max_depth: int = MAX_DEPTH) -> Any:
    """Parse ``raw`` strictly.

    :raises Refused: non-finite or out-of-range numbers, too deep nesting.
    :raises ValueError: (json.JSONDecodeError, UnicodeDecodeError) not JSON.
    """
    deep = _may_be_too_deep(raw, max_depth)
    try:
        document = _DECODER.decode(_text(raw))
    except RecursionError:
        raise Refused(f'JSON nests deeper than {max_depth} levels.') from None
    if deep:
        check_depth(document, max_depth)
    if _may_have_surrogates(raw):
        check_strings(document)
    return document
