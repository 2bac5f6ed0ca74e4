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

"""Query-string parsing with the reference's error wording (falcon-compatible)."""

from __future__ import annotations

from zaqar.common import errors

_TRUE = frozenset(('true', '1', 'yes', 't', 'y', 'on'))
_FALSE = frozenset(('false', '0', 'no', 'f', 'n', 'off'))


def _value(request, name: str) -> str | None:
    """The last non-blank value of ``name`` (blank values count as absent)."""
    values = [v for v in request.GET.getall(name) if v != '']
    return values[-1] if values else None


def get_str(request, name: str) -> str | None:
    return _value(request, name)


def get_int(request, name: str, default: int | None = None) -> int | None:
    value = _value(request, name)
    if value is None:
        return default
    try:
        return int(value, 10)
    except ValueError:
        raise errors.NotAnInteger(field=name)


def get_bool(request, name: str, default: bool = False) -> bool:
    value = _value(request, name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise errors.NotABoolean(field=name)


def get_list(request, name: str) -> list[str] | None:
    """Comma-separated values (repeated parameters are joined)."""
    items: list[str] = []
    for value in request.GET.getall(name):
        items.extend(v for v in value.split(',') if v != '')
    return items or None
