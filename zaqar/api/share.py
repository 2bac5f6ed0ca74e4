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

"""The share operation: sign a URL that grants access to one queue."""

from __future__ import annotations

import json
from typing import Any

from zaqar.api.payload import Payload
from zaqar.common import errors, signing

# Keys a share request may carry.
VALID_KEYS = frozenset(('paths', 'methods', 'expires'))
DEFAULT_PATHS = ('messages',)
DEFAULT_METHODS = ('GET',)


class SignedURLsDisabled(errors.APIError):
    """The deployment has no signing key, so nothing can be shared."""

    status = 503
    title = 'Signed URLs are disabled'

    def __init__(self):
        super().__init__('This deployment has no [signed_url] secret_key, '
                         'so it cannot create signed URLs; the operator '
                         'can set one to turn them on.')


def queue_share(svc, ctx, queue_name: str, payload: Payload) -> dict:
    """A signed URL for ``queue_name`` of the caller's project.

    Body: optional ``paths`` (claims | messages | subscriptions; default
    messages), ``methods`` (default GET) and ``expires`` (ISO-8601; default
    a day from now). Answers the signed paths/methods (sorted), project,
    expiry (UTC) and signature. Raises SignedURLsDisabled without a key,
    InvalidBody/BadRequest for a bad body.
    """
    key = svc.signing_key
    if not key:
        raise SignedURLsDisabled()
    doc = payload.parse()
    if not isinstance(doc, dict):
        raise errors.InvalidBody('Document type not supported.')
    unknown = set(doc) - VALID_KEYS
    if unknown:
        raise errors.BadRequest(f'Unknown keys: {unknown}')
    base = f'/v2/queues/{queue_name}/'
    paths = [base + p for p in _paths(doc.get('paths'))]
    methods = _methods(doc.get('methods'))
    if 'expires' in doc and doc['expires'] is None:
        # Absent means the default; null is not a date.
        raise errors.BadRequest('`expires` should be date format, for '
                                'example 2016-01-01T00:00:00, not null')
    expires = _expires(doc.get('expires'))
    return signing.sign(key, paths, methods, ctx.project_id,
                        expires).to_dict()


def _paths(value: Any) -> list[str]:
    if value is None or (isinstance(value, (list, str)) and not value):
        return list(DEFAULT_PATHS)
    if not isinstance(value, (list, str)):
        raise errors.BadRequest('`paths` should be a list')
    # A string is read item by item, so "messages" reports its letters,
    # as the reference does.
    invalid = {p if isinstance(p, str) else json.dumps(p) for p in value
               if not isinstance(p, str) or p not in signing.SHAREABLE}
    if invalid:
        raise errors.BadRequest(f'Invalid paths: {invalid}')
    return list(value)


def _methods(value: Any) -> list[str]:
    if value is None or (isinstance(value, list) and not value):
        return list(DEFAULT_METHODS)
    if not isinstance(value, list):
        raise errors.BadRequest('`methods` should be a list')
    if not all(isinstance(m, str) and m for m in value):
        raise errors.BadRequest('`methods` should be a list of HTTP method '
                                'names')
    unknown = sorted({m for m in value
                      if m.upper() not in signing.SIGNABLE_METHODS})
    if unknown:
        raise errors.BadRequest(f'Invalid methods: {unknown}; a URL can be '
                                f'signed for '
                                f'{", ".join(signing.SIGNABLE_METHODS)}.')
    return list(value)


def _expires(value: Any):
    now = signing.utcnow()
    if value is None:
        return now + signing.DEFAULT_LIFETIME
    try:
        when = signing.parse_expires(value)
    except ValueError as exc:
        raise errors.BadRequest(str(exc))
    if when <= now:
        raise errors.BadRequest('`expires` is lower than the current time')
    return when
