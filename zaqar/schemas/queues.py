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

MIN_TTL = 60
# Idempotent posts: seconds a dedup_id is remembered (0 turns it off).
DEFAULT_DEDUP_WINDOW = 300
MAX_DEDUP_WINDOW = 86400


def _int(low: int, high: int | None, error: str) -> dict:
    rule = {'type': ['integer', 'null'], 'minimum': low,
            'x-error': {'type': 'MetadataNotInteger', 'minimum': error,
                        'maximum': error}}
    if high is not None:
        rule['maximum'] = high
    return rule


@common.per_limits
def reserved(limits) -> dict:
    """The reserved ``_`` keys of queue metadata and their rules.

    Set at creation (PUT) or by PATCH; the result of a PATCH is checked
    whole. Whether encryption can be turned on depends on this server's
    key, and ``_retry_policy`` follows the subscription option's rules
    (zaqar.notification.retry): both stay code, in zaqar.api.metadata.
    """
    return {
        '_default_message_ttl': _int(MIN_TTL, limits.max_message_ttl,
                                     'DefaultMessageTTL'),
        '_max_messages_post_size': _int(1, limits.max_messages_post_size,
                                        'MaxMessagesPostSize'),
        '_default_message_delay': _int(0, limits.max_message_delay,
                                       'DefaultMessageDelay'),
        '_dead_letter_queue': {
            'type': ['string', 'null'],
            'pattern': r'^[a-zA-Z0-9_\-.]*$',
            'maxLength': common.NAME['maxLength'],
            'x-error': {'type': 'MetadataNotString',
                        'pattern': 'DeadLetterQueueName',
                        'maxLength': 'DeadLetterQueueName'}},
        '_dead_letter_queue_messages_ttl': _int(
            MIN_TTL, limits.max_message_ttl, 'MessageTTL'),
        '_max_claim_count': _int(0, None, 'MetadataNegative'),
        '_enable_encrypt_messages': {
            'type': ['boolean', 'null'],
            'x-error': {'type': 'MetadataNotBoolean'}},
        '_retry_policy': {'type': ['object', 'null'],
                          'x-error': {'type': 'MetadataNotDict'}},
        '_flavor': {'type': ['string', 'null'],
                    'x-error': {'type': 'MetadataNotString'}},
        # A newer key: no reference leniency to keep (booleans, floats).
        '_dedup_window': {'type': ['integer', 'null'], 'minimum': 0,
                          'maximum': MAX_DEDUP_WINDOW,
                          'x-error': {'type': 'MetadataNotInteger',
                                      'minimum': 'DedupWindow',
                                      'maximum': 'DedupWindow'}},
    }


@common.per_limits
def metadata(limits) -> dict:
    """PUT body (and the result of a PATCH): free-form user keys plus the
    reserved keys. Its byte size ([transport] max_queue_metadata) is
    checked before parsing, in zaqar.api.queues."""
    return {
        'type': 'object',
        'properties': reserved(limits),
        'additionalProperties': True,
        'x-error': {'type': 'DocumentType'},
    }


METADATA = metadata(common.DEFAULTS)
RESERVED = METADATA['properties']

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

# Purge: null (or no body) purges both kinds.
PURGE = {
    'type': ['object', 'null'],
    'required': ['resource_types'],
    'properties': {
        'resource_types': {
            'type': 'array',
            'items': {'enum': ['messages', 'subscriptions']},
            'x-error': 'PurgeTypes',
        },
    },
    'x-error': 'PurgeNeedsTypes',
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
