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

"""Compare samples by structure: ids, ages and times are normalised away."""

from __future__ import annotations

import re
from typing import Any

# Values that differ on every run.
_PATTERNS = (
    (re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-'
                r'[0-9a-f]{12}'), '<uuid>'),
    (re.compile(r'\b[0-9a-f]{64}\b'), '<hex64>'),
    (re.compile(r'\b[0-9a-f]{24}\b'), '<objectid>'),
    (re.compile(r'\b[0-9a-f]{32}\b'), '<hex32>'),
    (re.compile(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ'), '<time>'),
)
# Keys whose numbers vary with timing.
_VOLATILE_NUMBERS = {'age', 'seconds'}
# Keys holding random strings (a subscription's signing secret).
_VOLATILE_STRINGS = {'secret'}


def _text(value: str) -> str:
    for pattern, placeholder in _PATTERNS:
        value = pattern.sub(placeholder, value)
    return value


def shape(document: Any, key: str | None = None) -> Any:
    """``document`` with run-dependent values replaced by placeholders."""
    if isinstance(document, dict):
        return {k: shape(v, k) for k, v in document.items()}
    if isinstance(document, list):
        return [shape(v, key) for v in document]
    if isinstance(document, str):
        return '<random>' if key in _VOLATILE_STRINGS else _text(document)
    if isinstance(document, bool) or document is None:
        return document
    if isinstance(document, (int, float)) and key in _VOLATILE_NUMBERS:
        return f'<{type(document).__name__}>'
    return document
