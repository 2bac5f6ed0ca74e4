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

from typing import Any, Callable

from zaqar.api import validation
from zaqar.common import errors
from zaqar.schemas import queues as queue_schemas

PATCH_MEDIA_TYPE = 'application/openstack-messaging-v2.0-json-patch'
PATCH_OPS = ('add', 'remove', 'replace')

# Idempotent posts: how long a dedup_id is remembered unless the queue's
# _dedup_window says otherwise, and the most it may say (one day).
DEFAULT_DEDUP_WINDOW = queue_schemas.DEFAULT_DEDUP_WINDOW
MAX_DEDUP_WINDOW = queue_schemas.MAX_DEDUP_WINDOW

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


def _int_key(key: str, low: int | None, high: int | None,
             range_message: str) -> Callable:
    def check(value: Any) -> None:
        if value and not validation.is_int(value):
            raise ValueError(f'{key} must be integer.')
        if value is None or low is None:
            return
        if not validation.is_int(value) or not low <= value <= high:
            raise ValueError(range_message)
    return check


def _checks(limits: validation.Limits, encryption_ready: bool) -> dict:
    def dead_letter_queue(value):
        if value is None:
            return
        if not isinstance(value, str):
            raise ValueError('_dead_letter_queue must be a string.')
        if value and (len(value) > validation.QUEUE_NAME_MAX
                      or not validation.QUEUE_NAME.match(value)):
            raise ValueError('_dead_letter_queue must be a valid queue name.')

    def encrypt(value):
        if value and not isinstance(value, bool):
            raise ValueError('_enable_encrypt_messages must be boolean.')
        if value and not encryption_ready:
            raise ValueError('Message encryption is not configured on this '
                             'server (no message_encryption_key).')

    def dedup_window_check(value):
        # A new key: no reference leniency to keep (booleans, floats).
        if value is None:
            return
        if not validation.is_int(value) or isinstance(value, bool):
            raise ValueError('_dedup_window must be integer.')
        if not 0 <= value <= MAX_DEDUP_WINDOW:
            raise ValueError(
                f'_dedup_window can not exceed {MAX_DEDUP_WINDOW} seconds, '
                'and must be at least 0 seconds long.')

    def max_claim_count(value):
        if value and not validation.is_int(value):
            raise ValueError('_max_claim_count must be integer.')

    def retry_policy(value):
        if value is not None and not isinstance(value, dict):
            raise ValueError('_retry_policy must be a dict.')

    def flavor(value):
        if value is not None and not isinstance(value, str):
            raise ValueError('_flavor must be a string.')

    max_ttl = limits.max_message_ttl
    return {
        '_default_message_ttl': _int_key(
            '_default_message_ttl', validation.MIN_MESSAGE_TTL, max_ttl,
            f'_default_message_ttl can not exceed {max_ttl} seconds, and '
            f'must be at least {validation.MIN_MESSAGE_TTL} seconds long.'),
        '_max_messages_post_size': _int_key(
            '_max_messages_post_size', 1, limits.max_messages_post_size,
            f'_max_messages_post_size can not exceed '
            f'{limits.max_messages_post_size},  and must be at least greater '
            'than 0.'),
        '_default_message_delay': _int_key(
            '_default_message_delay', 0, limits.max_message_delay,
            f'The TTL can not exceed {limits.max_message_delay} seconds, and '
            'must be at least 0 seconds long.'),
        '_dead_letter_queue_messages_ttl': _int_key(
            '_dead_letter_queue_messages_ttl', validation.MIN_MESSAGE_TTL,
            max_ttl,
            f'The TTL for a message may not exceed {max_ttl} seconds, and '
            f'must be at least {validation.MIN_MESSAGE_TTL} seconds long.'),
        '_dedup_window': dedup_window_check,
        '_dead_letter_queue': dead_letter_queue,
        '_max_claim_count': max_claim_count,
        '_enable_encrypt_messages': encrypt,
        '_retry_policy': retry_policy,
        '_flavor': flavor,
    }


def validate(metadata: Any, limits: validation.Limits, *,
             encryption_ready: bool,
             error: type[errors.APIError] = errors.BadRequest) -> dict:
    """Check every reserved key; raise ``error`` with the message clients match."""
    if not isinstance(metadata, dict):
        raise errors.InvalidBody('Document type not supported.')
    checks = _checks(limits, encryption_ready)
    for key, value in metadata.items():
        check = checks.get(key)
        if check is None:
            continue
        try:
            check(value)
        except ValueError as exc:
            raise error(str(exc))
    return metadata


def _decode_pointer(path: Any, op: str) -> str:
    """The metadata key a JSON pointer ``/metadata/<key>`` designates."""
    if not isinstance(path, str):
        raise errors.InvalidBody("Unable to find 'path' in JSON Schema change")
    if not path.startswith('/'):
        raise errors.InvalidBody(f'Pointer `{path}` does not start with "/".')
    parts = path[1:].split('/')
    if len(parts) != 2:
        raise errors.InvalidBody(
            f"Invalid JSON pointer for this resource: '{path}, "
            "e.g /metadata/key'")
    decoded = []
    for part in parts:
        if '~' in part.replace('~0', '').replace('~1', ''):
            raise errors.InvalidBody(f'Invalid `~` escape in pointer '
                                     f'`{path}`.')
        decoded.append(part.replace('~1', '/').replace('~0', '~'))
    root, key = decoded
    if op != 'remove' and root.lower() != 'metadata':
        raise errors.InvalidBody(
            'The root of path must be metadata, e.g /metadata/key.')
    return key


def parse_patch(document: Any) -> list[tuple[str, str, Any]]:
    """Validate a JSON-patch document into (op, key, value) triples."""
    if not isinstance(document, list):
        raise errors.InvalidBody('Request body must be a JSON array of '
                                 'operation objects.')
    operations = []
    for change in document:
        if not isinstance(change, dict):
            raise errors.InvalidBody('Operations must be JSON objects.')
        op = change.get('op')
        if op is None:
            raise errors.InvalidBody(
                'Unable to find `op` in JSON Schema change. It must be one of '
                'the following: add, remove, replace.')
        if op not in PATCH_OPS:
            raise errors.InvalidBody(
                f'Invalid operation: `{op}`. It must be one of the '
                'following: add, remove, replace.')
        if 'path' not in change:
            raise errors.InvalidBody(
                "Unable to find 'path' in JSON Schema change")
        key = _decode_pointer(change['path'], op)
        if op != 'remove' and 'value' not in change:
            raise errors.InvalidBody(
                f'Operation "{op}" requires a member named "value".')
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
                raise errors.Conflict(f"Can't replace non-existent object "
                                      f"{key}.")
            result[key] = value
        else:
            if key in result:
                del result[key]
            elif not reserved:
                raise errors.Conflict(f"Can't remove non-existent object "
                                      f"{key}.")
    return result

