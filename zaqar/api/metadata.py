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

"""Queue metadata: reserved ``_`` keys, their checks, defaults and JSON-patch."""

from __future__ import annotations

from typing import Any

from zaqar.api import validation
from zaqar.common import errors
from zaqar.notification import retry
from zaqar.schemas import queues as schema_queues

PATCH_MEDIA_TYPE = 'application/openstack-messaging-v2.0-json-patch'
PATCH_OPS = ('add', 'remove', 'replace')

# Idempotent posts: how long a dedup_id is remembered unless the queue's
# _dedup_window says otherwise, and the most it may say (one day).
DEFAULT_DEDUP_WINDOW = schema_queues.DEFAULT_DEDUP_WINDOW
MAX_DEDUP_WINDOW = schema_queues.MAX_DEDUP_WINDOW

# Reserved keys shown on GET, in the order they are appended when missing.
RESERVED_DEFAULTS_ORDER = (
    '_max_messages_post_size', '_default_message_ttl',
    '_default_message_delay', '_dead_letter_queue',
    '_dead_letter_queue_messages_ttl', '_max_claim_count',
    '_enable_encrypt_messages', '_dedup_window',
)


def defaults(limits: validation.Limits) -> dict:
    """Values shown for reserved keys that are missing or falsy."""
    return {
        '_max_messages_post_size': limits.max_messages_post_size,
        '_default_message_ttl': limits.default_message_ttl,
        '_default_message_delay': limits.default_message_delay,
        '_dead_letter_queue': None,
        '_dead_letter_queue_messages_ttl': None,
        '_max_claim_count': None,
        '_enable_encrypt_messages': False,
        '_dedup_window': DEFAULT_DEDUP_WINDOW,
    }


def with_defaults(metadata: dict, limits: validation.Limits) -> dict:
    """The metadata as GET shows it: user keys in order, reserved filled."""
    shown = dict(metadata)
    for key, value in defaults(limits).items():
        # 0 is a real dedup window (off), not a missing one.
        missing = (shown.get(key) is None if key == '_dedup_window'
                   else not shown.get(key))
        if missing:
            shown[key] = value
    return shown


def dedup_window(metadata: dict) -> int:
    """Seconds a ``dedup_id`` is remembered on this queue (0: off)."""
    value = metadata.get('_dedup_window')
    if value is None or not validation.is_int(value):
        return DEFAULT_DEDUP_WINDOW
    return max(0, min(value, MAX_DEDUP_WINDOW))


class EncryptionNotConfigured(errors.Worded, errors.BadRequest):
    wording = ('Message encryption is not configured on this server (no '
               'message_encryption_key).')


def validate(metadata: Any, limits: validation.Limits, *,
             encryption_ready: bool,
             error: type[errors.APIError] = errors.BadRequest) -> dict:
    """Check every reserved key against zaqar.schemas.queues.metadata;
    a refusal is worded as clients match it and raised as ``error``
    (PATCH answers "Invalid request body", PUT "Invalid API request")."""
    refusal = validation.refusal(schema_queues.metadata(limits), metadata)
    if refusal is None and metadata.get('_enable_encrypt_messages') \
            and not encryption_ready:
        refusal = EncryptionNotConfigured()
    if refusal is None:
        _retry_policy = metadata.get('_retry_policy')
        try:
            retry.validate(_retry_policy)
        except ValueError as exc:
            refusal = errors.BadRequest(str(exc))
    if refusal is not None:
        if isinstance(refusal, errors.InvalidBody) or \
                isinstance(refusal, error):
            raise refusal
        raise error(refusal.description)
    return metadata


def _decode_pointer(path: Any, op: str) -> str:
    """The metadata key a JSON pointer ``/metadata/<key>`` designates."""
    if not isinstance(path, str):
        raise errors.PatchPathMissing()
    if not path.startswith('/'):
        raise errors.PatchPointerStart(path=path)
    parts = path[1:].split('/')
    if len(parts) != 2:
        raise errors.PatchPointer(path=path)
    decoded = []
    for part in parts:
        if '~' in part.replace('~0', '').replace('~1', ''):
            raise errors.PatchEscape(path=path)
        decoded.append(part.replace('~1', '/').replace('~0', '~'))
    root, key = decoded
    if op != 'remove' and root.lower() != 'metadata':
        raise errors.PatchRoot()
    return key


def parse_patch(document: Any) -> list[tuple[str, str, Any]]:
    """Validate a JSON-patch document into (op, key, value) triples."""
    if not isinstance(document, list):
        raise errors.PatchNotArray()
    operations = []
    for change in document:
        if not isinstance(change, dict):
            raise errors.PatchOperationNotObject()
        op = change.get('op')
        if op is None:
            raise errors.PatchOpMissing()
        if op not in PATCH_OPS:
            raise errors.PatchOpInvalid(op=op)
        if 'path' not in change:
            raise errors.PatchPathMissing()
        key = _decode_pointer(change['path'], op)
        if op != 'remove' and 'value' not in change:
            raise errors.PatchValueMissing(op=op)
        operations.append((op, key, change.get('value')))
    return operations


def apply_patch(metadata: dict,
                operations: list[tuple[str, str, Any]]) -> dict:
    """Apply validated operations to a copy of ``metadata``."""
    result = dict(metadata)
    for op, key, value in operations:
        reserved = key.startswith('_')
        if op == 'add':
            result[key] = value
        elif op == 'replace':
            if key not in result and not reserved:
                raise errors.PatchReplaceMissing(key=key)
            result[key] = value
        else:
            if key in result:
                del result[key]
            elif not reserved:
                raise errors.PatchRemoveMissing(key=key)
    return result

