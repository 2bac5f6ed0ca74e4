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

"""Queues: metadata (PUT/GET/PATCH), listing, stats and purge documents."""

from __future__ import annotations

from zaqar.schemas import common

# Defaults of the [transport] limits that bound the reserved keys.
MAX_MESSAGE_TTL = 1209600
MAX_MESSAGE_DELAY = 900
MAX_MESSAGES_POST_SIZE = 262144
MIN_TTL = 60
# Idempotent posts: seconds a dedup_id is remembered (0 turns it off).
DEFAULT_DEDUP_WINDOW = 300
MAX_DEDUP_WINDOW = 86400

RESERVED = {
    '_default_message_ttl': {'type': 'integer', 'minimum': MIN_TTL,
                             'maximum': MAX_MESSAGE_TTL},
    '_max_messages_post_size': {'type': 'integer', 'minimum': 1,
                                'maximum': MAX_MESSAGES_POST_SIZE},
    '_default_message_delay': {'type': 'integer', 'minimum': 0,
                               'maximum': MAX_MESSAGE_DELAY},
    '_dead_letter_queue': {'type': ['string', 'null'],
                           'pattern': common.NAME['pattern'],
                           'maxLength': common.NAME['maxLength']},
    '_dead_letter_queue_messages_ttl': {
        'type': ['integer', 'null'], 'minimum': MIN_TTL,
        'maximum': MAX_MESSAGE_TTL},
    '_max_claim_count': {'type': ['integer', 'null'], 'minimum': 0},
    '_enable_encrypt_messages': {'type': 'boolean'},
    '_retry_policy': {'type': 'object'},
    '_flavor': {'type': 'string'},
    '_dedup_window': {'type': 'integer', 'minimum': 0,
                      'maximum': MAX_DEDUP_WINDOW},
}

# PUT body: free-form user keys plus the reserved keys above.
METADATA = {
    'type': 'object',
    'properties': RESERVED,
    'additionalProperties': True,
}

# GET/PATCH answer: every reserved default filled in.
METADATA_RESPONSE = {
    'type': 'object',
    'required': ['_max_messages_post_size', '_default_message_ttl',
                 '_default_message_delay', '_dead_letter_queue',
                 '_dead_letter_queue_messages_ttl', '_max_claim_count',
                 '_enable_encrypt_messages'],
    'properties': {
        '_max_messages_post_size': {'type': 'integer'},
        '_default_message_ttl': {'type': 'integer'},
        '_default_message_delay': {'type': 'integer'},
        '_dead_letter_queue': {'type': ['string', 'null']},
        '_dead_letter_queue_messages_ttl': {'type': ['integer', 'null']},
        '_max_claim_count': {'type': ['integer', 'null']},
        '_enable_encrypt_messages': {'type': 'boolean'},
        '_dedup_window': {'type': 'integer'},
    },
    'additionalProperties': True,
}

PATCH_MEDIA_TYPE = 'application/openstack-messaging-v2.0-json-patch'

# PATCH body: JSON-patch operations on /metadata/<key>.
PATCH = {
    'type': 'array',
    'items': {
        'type': 'object',
        'required': ['op', 'path'],
        'properties': {
            'op': {'enum': ['add', 'remove', 'replace']},
            'path': {'type': 'string', 'pattern': '^/metadata/[^/]+$'},
            'value': {},
        },
    },
}

def _listing(key: str) -> dict:
    """A page of queue-shaped resources under ``key`` (queues or topics)."""
    return {
        'type': 'object',
        'required': [key, 'links'],
        'properties': {
            key: {
                'type': 'array',
                'items': {
                    'type': 'object',
                    'required': ['name', 'href'],
                    'properties': {
                        'name': common.NAME,
                        'href': common.HREF,
                        'metadata': METADATA_RESPONSE,
                    },
                    'additionalProperties': False,
                },
            },
            'links': common.LINKS,
            'count': {'type': 'integer', 'minimum': 0},
        },
        'additionalProperties': False,
    }


LIST = _listing('queues')

# GET /v2/topics: the same page, under ``topics``.
TOPIC_LIST = _listing('topics')

_STAMP = {
    'type': 'object',
    'required': ['age', 'created', 'href'],
    'properties': {
        'age': common.SECONDS,
        'created': {'type': 'string',
                    'pattern': r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$'},
        'href': common.HREF,
    },
    'additionalProperties': False,
}

STATS = {
    'type': 'object',
    'required': ['messages'],
    'properties': {
        'messages': {
            'type': 'object',
            'required': ['claimed', 'free', 'total'],
            'properties': {
                'claimed': {'type': 'integer', 'minimum': 0},
                'free': {'type': 'integer', 'minimum': 0},
                'total': {'type': 'integer', 'minimum': 0},
                'oldest': _STAMP,
                'newest': _STAMP,
            },
            'additionalProperties': False,
        },
    },
    'additionalProperties': False,
}

PURGE = {
    'type': 'object',
    'required': ['resource_types'],
    'properties': {
        'resource_types': {
            'type': 'array',
            'items': {'enum': ['messages', 'subscriptions']},
        },
    },
}

SCHEMAS = {
    'METADATA': METADATA,
    'METADATA_RESPONSE': METADATA_RESPONSE,
    'PATCH': PATCH,
    'LIST': LIST,
    'TOPIC_LIST': TOPIC_LIST,
    'STATS': STATS,
    'PURGE': PURGE,
}
