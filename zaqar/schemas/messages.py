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

from zaqar.schemas import common, queues

# Defaults of [transport] max_messages_per_page / _per_claim_or_pop.
MAX_PER_PAGE = 20

# Longest dedup_id / group (zaqar.api.validation.MESSAGE_KEY_MAX).
MESSAGE_KEY_MAX = 128

DEDUP_ID = {
    'type': 'string', 'minLength': 1, 'maxLength': MESSAGE_KEY_MAX,
    'description': (
        'Idempotency key: within the queue\'s _dedup_window (seconds, '
        'default 300, 0 = off) a message whose dedup_id was already posted '
        'is not stored again; its href in the answer is the original '
        'message\'s.'),
}

GROUP = {
    'type': 'string', 'minLength': 1, 'maxLength': MESSAGE_KEY_MAX,
    'description': (
        'FIFO group: only the oldest live message of a group can be '
        'claimed (or popped), so a group is processed in order, one '
        'message at a time, while different groups go in parallel.'),
}

POST = {
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
                    'ttl': {'type': 'integer', 'minimum': queues.MIN_TTL,
                            'maximum': queues.MAX_MESSAGE_TTL},
                    # Read (and checked) only on queues that have a
                    # _default_message_delay; elsewhere dropped unread.
                    'delay': {'description': (
                        'Seconds before the message becomes visible, '
                        f'0..{queues.MAX_MESSAGE_DELAY}; honoured only on '
                        'queues with a _default_message_delay.')},
                    'dedup_id': DEDUP_ID,
                    'group': GROUP,
                },
            },
        },
    },
}

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

SCHEMAS = {
    'POST': POST,
    'POST_RESPONSE': POST_RESPONSE,
    'MESSAGE': MESSAGE,
    'LIST': LIST,
    'MANY': MANY,
}
