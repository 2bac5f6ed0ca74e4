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

"""Frames to documents and back: JSON in text frames, MessagePack in binary."""

from __future__ import annotations

import json
import math
from typing import Any

import msgpack

from zaqar.common import strict_json

# Integers must fit a signed 64-bit field in every backend (as over HTTP).
INT_BOUND = 2 ** 63


class DecodeError(ValueError):
    """A frame that does not hold a JSON-compatible document."""


def _check_json_types(document: Any) -> None:
    """Refuse what MessagePack can carry but JSON (and storage) cannot."""
    strict_json.check_depth(document)
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    raise TypeError('map keys must be strings')
                stack.append(item)
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, bool) or value is None or isinstance(
                value, str):
            continue
        elif isinstance(value, int):
            if not -INT_BOUND <= value < INT_BOUND:
                raise ValueError('integer is too large')
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise ValueError('NaN and infinity are not JSON numbers')
        else:
            raise TypeError(f'{type(value).__name__} values are not '
                            f'supported')


def decode(frame: str | bytes) -> Any:
    """The document in a frame; text is JSON, binary is MessagePack.

    :raises DecodeError: with the text the error response carries.
    """
    binary = isinstance(frame, bytes)
    try:
        if binary:
            document = msgpack.unpackb(frame, raw=False)
            _check_json_types(document)
            return document
        return strict_json.loads(frame)
    except Exception as exc:  # noqa: BLE001 - any decoder failure is the client's
        kind = 'binary (MessagePack)' if binary else 'text (JSON)'
        raise DecodeError(f"Can't decode {kind} request. "
                          f"{type(exc).__name__}: {exc}") from None


def encode(document: Any, binary: bool) -> str | bytes:
    """A response or push document in the framing the client used."""
    if binary:
        return msgpack.packb(document, use_bin_type=True)
    return json.dumps(document)
