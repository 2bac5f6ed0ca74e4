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

"""Messages: the post document and the message representations."""

from __future__ import annotations

from zaqar.schemas import common

MIN_TTL = 60
# Longest dedup_id / group.
MESSAGE_KEY_MAX = 128


def _key(description: str) -> dict:
    # null: none (as if left out).
    return {'type': ['string', 'null'], 'minLength': 1,
            'maxLength': MESSAGE_KEY_MAX, 'description': description,
            'x-error': {'type': 'MessageKeyNotString',
                        'minLength': 'MessageKeyLength',
                        'maxLength': 'MessageKeyLength'}}


DEDUP_ID = _key(
    'Idempotency key: within the queue\'s _dedup_window (seconds, default '
    '300, 0 = off) a message whose dedup_id was already posted is not '
    'stored again; its href in the answer is the original message\'s.')

GROUP = _key(
    'FIFO group: only the oldest live message of a group can be claimed '
    '(or popped), so a group is processed in order, one message at a time, '
    'while different groups go in parallel.')

@common.per_limits
def ttl(limits) -> dict:
    """A message's ``ttl`` (absent: the queue's or configured default)."""
    return {'type': 'integer', 'minimum': MIN_TTL,
            'maximum': limits.max_message_ttl,
            'x-error': {'type': 'FieldNotInt', 'minimum': 'MessageTTL',
                        'maximum': 'MessageTTL'}}


@common.per_limits
def delay(limits) -> dict:
    """A message's ``delay``: honoured only on queues with a
    ``_default_message_delay`` (elsewhere checked, then dropped)."""
    return {'type': 'integer', 'minimum': 0,
            'maximum': limits.max_message_delay,
            'description': 'Seconds before the message becomes visible; '
                           'honoured only on queues with a '
                           '_default_message_delay.',
            'x-error': {'type': 'FieldNotInt', 'minimum': 'MessageDelay',
                        'maximum': 'MessageDelay'}}


@common.per_limits
def post(limits) -> dict:
    """The post document. Its byte size (configured, or the queue's
    smaller ``_max_messages_post_size``) is checked before parsing, in
    zaqar.api.messages.prepare_post."""
    return {
        'type': 'object',
        'required': ['messages'],
        'properties': {
            'messages': {
                'type': 'array',
                'minItems': 1,
                'items': {
                    'type': 'object',
                    'required': ['body'],
                    'properties': {
                        'body': {},
                        'ttl': ttl(limits),
                        'delay': delay(limits),
                        'dedup_id': DEDUP_ID,
                        'group': GROUP,
                    },
                    'x-error': {'type': 'DocumentType',
                                'required': 'MissingMessageBody'},
                },
                'x-error': {'type': 'DocumentType',
                            'minItems': 'NoMessagesToEnqueue'},
            },
        },
        'x-error': {'type': 'BodyUnparsable',
                    'type:array': 'NoMessagesFound',
                    'required': 'NoMessagesFound'},
    }


def ids(maximum: int, error: str) -> dict:
    """``?ids=``: 1..maximum message ids."""
    return {'type': 'array', 'items': {'type': 'string'}, 'minItems': 1,
            'maxItems': maximum,
            'x-error': {'minItems': error, 'maxItems': error}}


POST = post(common.DEFAULTS)
MAX_PER_PAGE = common.DEFAULTS.max_messages_per_page

POST_RESPONSE = {
    'type': 'object',
    'required': ['resources'],
    'properties': {
        'resources': {'type': 'array', 'items': common.HREF, 'minItems': 1},
    },
    'additionalProperties': False,
}

MESSAGE = {
    'type': 'object',
    'required': ['id', 'ttl', 'age', 'body'],
    'properties': {
        'id': {'type': 'string', 'minLength': 1},
        'href': common.HREF,
        'ttl': {'type': 'integer', 'minimum': 0},
        'age': common.SECONDS,
        'body': {},
        'checksum': {'type': 'string'},
        # Shown only when the message was posted with them.
        'dedup_id': DEDUP_ID,
        'group': GROUP,
    },
}

LIST = {
    'type': 'object',
    'required': ['messages', 'links'],
    'properties': {
        'messages': {'type': 'array', 'items': MESSAGE,
                     'maxItems': MAX_PER_PAGE},
        'links': common.LINKS,
    },
    'additionalProperties': False,
}

# Bulk get (?ids=) and pop (DELETE ?pop=): messages, no links.
MANY = {
    'type': 'object',
    'required': ['messages'],
    'properties': {
        'messages': {'type': 'array', 'items': MESSAGE,
                     'maxItems': MAX_PER_PAGE},
    },
    'additionalProperties': False,
}


@common.per_limits
def pages(limits) -> dict:
    """LIST and MANY: at most a configured page (or pop) of messages."""
    largest = max(limits.max_messages_per_page,
                  limits.max_messages_per_claim_or_pop)
    found = {}
    for name, schema in (('LIST', LIST), ('MANY', MANY)):
        found[name] = {**schema, 'properties': {
            **schema['properties'],
            'messages': {**schema['properties']['messages'],
                         'maxItems': largest}}}
    return found


SCHEMAS = {
    'POST': POST,
    'POST_RESPONSE': POST_RESPONSE,
    'MESSAGE': MESSAGE,
    'LIST': LIST,
    'MANY': MANY,
}
