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

"""Signed URLs: the signature algorithm, expiry parsing and what a URL grants.

Pure functions shared by the share operation and every transport's check.
The signed text joins the sorted paths, the sorted methods, the project and
the expiry with the two characters backslash and ``n`` (not a newline):
clients and other Zaqar servers compute the same bytes, so it must not change.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import hmac
import re
from collections.abc import Iterable
from typing import Any

# How an expiry is written in the signed text and in the share answer (UTC).
DATE_FORMAT = '%Y-%m-%dT%H:%M:%S'
# A URL lives this long when the share request names no expiry.
DEFAULT_LIFETIME = datetime.timedelta(days=1)
# The literal two-character separator of the signed text.
SEPARATOR = '\\n'
# Signed ``paths`` name a queue's sub-collections.
SHAREABLE = ('claims', 'messages', 'subscriptions')
# Methods a URL may be signed for: the API's own, nothing else.
SIGNABLE_METHODS = ('DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST',
                    'PUT')


def utcnow() -> datetime.datetime:
    """The current time, naive UTC (the form every expiry is compared in)."""
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def parse_expires(value: Any) -> datetime.datetime:
    """An ISO-8601 expiry as naive UTC; raises ValueError with the API wording.

    Integer-like values are refused explicitly: a Unix timestamp is a common
    mistake and would otherwise read as a year.
    """
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        try:
            number = int(value)
        except ValueError:
            number = 0
        if number:
            raise ValueError('`expires` should be date format, for example '
                             '2016-01-01T00:00:00, not integer value: '
                             f'{number}')
    if not isinstance(value, str):
        raise ValueError(f'Unable to parse date string {value!r}')
    text = value.strip()
    if text.endswith(('Z', 'z')):
        text = text[:-1] + '+00:00'
    try:
        parsed = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f'Unable to parse date string {value!r}') from None
    if parsed.tzinfo is not None:
        try:
            parsed = parsed.astimezone(
                datetime.timezone.utc).replace(tzinfo=None)
        except OverflowError:
            # An offset that carries the instant past year 9999.
            raise ValueError(f'`expires` is out of range: {value!r}') from None
    return parsed


def signature(key: str, paths: Iterable[str], methods: Iterable[str],
              project: str | None, expires: str) -> str:
    """Lowercase hex HMAC-SHA256 of the signed text (lists sorted here)."""
    text = SEPARATOR.join((','.join(sorted(paths)),
                           ','.join(sorted(methods)),
                           str(project), expires))
    return hmac.new(key.encode('utf-8'), text.encode('utf-8'),
                    hashlib.sha256).hexdigest()


@dataclasses.dataclass(frozen=True)
class SignedURL:
    """What a share answer carries; ``paths`` and ``methods`` sorted."""

    paths: tuple[str, ...]
    methods: tuple[str, ...]
    project: str | None
    expires: str
    signature: str

    def to_dict(self) -> dict:
        return {'paths': list(self.paths), 'methods': list(self.methods),
                'project': self.project, 'expires': self.expires,
                'signature': self.signature}


def sign(key: str, paths: Iterable[str], methods: Iterable[str],
         project: str | None, expires: datetime.datetime) -> SignedURL:
    """Sign ``paths`` x ``methods`` for ``project`` until ``expires`` (UTC)."""
    paths = tuple(sorted(paths))
    methods = tuple(sorted(methods))
    when = expires.strftime(DATE_FORMAT)
    return SignedURL(paths, methods, project, when,
                     signature(key, paths, methods, project, when))


def verify(key: str, *, paths: list[str], methods: list[str],
           project: str | None, expires: str, given: str,
           now: datetime.datetime | None = None) -> bool:
    """Whether ``given`` signs these values and the expiry is still ahead.

    The expiry is re-read and re-formatted first, so any ISO-8601 spelling
    of the signed instant verifies; the comparison is constant-time.
    """
    try:
        when = parse_expires(expires)
    except ValueError:
        return False
    if when <= (now or utcnow()):
        return False
    expected = signature(key, paths, methods, project,
                         when.strftime(DATE_FORMAT))
    return hmac.compare_digest(expected.encode('ascii'),
                               given.encode('utf-8', 'replace'))


def grants_path(signed_paths: Iterable[str], path: str) -> bool:
    """Whether one signed path covers the request ``path``.

    A signed collection also covers its members (``.../messages`` grants
    ``.../messages/<id>``). Entries match as literal text at the start of
    the path: the reference searched them as regular expressions, where a
    dot in a queue name (``a.b``) would also have granted queue ``axb``.
    """
    for entry in signed_paths:
        if entry and re.match(re.escape(entry) + r'(?:/|$)', path):
            return True
    return False


def grants(signed_paths: Iterable[str], signed_methods: Iterable[str],
           method: str, path: str) -> bool:
    """Whether a verified URL allows ``method`` on ``path``."""
    return method in set(signed_methods) and grants_path(signed_paths, path)
