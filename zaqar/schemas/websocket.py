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

"""Request schemas of the WebSocket API: one per action, as plain data.

A request frame is ``{"action": str, "headers": {...}, "body": {...}}``.
The schemas check the envelope and the type of every routing or paging
field; the values themselves (TTLs, metadata, message documents) are
checked by the operations in ``zaqar.api``, the same code HTTP runs, so
both transports answer with the same wording.
"""

from __future__ import annotations

from typing import Any

# Header names the API reads; others are allowed and ignored.
HEADERS: dict[str, Any] = {
    'User-Agent': {'type': 'string'},
    'Date': {'type': 'string'},
    'Accept': {'type': 'string'},
    'Client-ID': {'type': 'string', 'minLength': 1},
    'X-Project-ID': {'type': 'string', 'minLength': 1},
    'X-Auth-Token': {'type': 'string'},
    # Development mode (auth off) only, as over HTTP.
    'X-Roles': {'type': 'string'},
    # Signed-URL access (auth on, before authenticate).
    'URL-Signature': {'type': 'string'},
    'URL-Expires': {'type': 'string'},
    'URL-Methods': {'type': 'string'},
    'URL-Paths': {'type': 'string'},
}

# Headers most actions need.
_CALLER = ('Client-ID', 'X-Project-ID')

_STRING = {'type': 'string'}
_INT = {'type': 'integer'}
_BOOL = {'type': 'boolean'}
_STRINGS = {'type': 'array', 'items': _STRING}
# Checked by the operation itself (type and range, with the HTTP wording).
_ANY: dict = {}

_QUEUE = {'queue_name': _STRING}
_PAGE = {'marker': _STRING, 'limit': _INT}


def _request(action: str, body: dict | None = None,
             required: tuple[str, ...] = (),
             headers: tuple[str, ...] = _CALLER) -> dict:
    """The schema of one action's request frame."""
    schema: dict[str, Any] = {
        'type': 'object',
        'properties': {
            'action': {'const': action},
            'headers': {'type': 'object', 'properties': HEADERS,
                        'required': list(headers)},
        },
        'required': ['action', 'headers'],
    }
    if body is not None:
        schema['properties']['body'] = {
            'type': 'object', 'properties': body, 'required': list(required)}
        if required:
            schema['required'].append('body')
    return schema


REQUESTS: dict[str, dict] = {
    # Connection and node.
    'authenticate': _request('authenticate',
                             headers=('X-Project-ID', 'X-Auth-Token')),
    'get_home_doc': _request('get_home_doc'),
    'check_node_health': _request('check_node_health'),
    'ping_node': _request('ping_node'),
    # Queues.
    'queue_list': _request('queue_list', dict(
        _PAGE, detailed=_BOOL, name=_STRING, with_count=_BOOL)),
    'queue_create': _request('queue_create', dict(_QUEUE, metadata=_ANY),
                             ('queue_name',)),
    'queue_delete': _request('queue_delete', _QUEUE, ('queue_name',)),
    'queue_get': _request('queue_get', _QUEUE, ('queue_name',)),
    'queue_get_stats': _request('queue_get_stats', _QUEUE, ('queue_name',)),
    'queue_purge': _request('queue_purge', dict(
        _QUEUE, resource_types=_ANY), ('queue_name',)),
    # Dead-letter redrive (the body fields are checked by the operation).
    'redrive_create': _request('redrive_create', dict(
        _QUEUE, destination=_ANY, max_messages=_ANY, rate=_ANY),
        ('queue_name',)),
    'redrive_get': _request('redrive_get', dict(
        _QUEUE, redrive_id=_STRING), ('queue_name', 'redrive_id')),
    'redrive_cancel': _request('redrive_cancel', dict(
        _QUEUE, redrive_id=_STRING), ('queue_name', 'redrive_id')),
    # Messages.
    'message_list': _request('message_list', dict(
        _QUEUE, **_PAGE, echo=_BOOL, include_claimed=_BOOL,
        include_delayed=_BOOL, wait=_INT), ('queue_name',)),
    'message_get': _request('message_get', dict(
        _QUEUE, message_id=_STRING), ('queue_name', 'message_id')),
    'message_get_many': _request('message_get_many', dict(
        _QUEUE, message_ids=_STRINGS), ('queue_name', 'message_ids')),
    'message_post': _request('message_post', dict(
        _QUEUE, messages={'type': 'array'}), ('queue_name', 'messages')),
    'message_delete': _request('message_delete', dict(
        _QUEUE, message_id=_STRING, claim_id=_STRING),
        ('queue_name', 'message_id')),
    'message_delete_many': _request('message_delete_many', dict(
        _QUEUE, message_ids=_STRINGS, claim_ids=_STRINGS, pop=_INT),
        ('queue_name',)),
    # Claims.
    'claim_create': _request('claim_create', dict(
        _QUEUE, ttl=_ANY, grace=_ANY, limit=_INT, wait=_INT),
        ('queue_name',)),
    'claim_get': _request('claim_get', dict(
        _QUEUE, claim_id=_STRING), ('queue_name', 'claim_id')),
    'claim_update': _request('claim_update', dict(
        _QUEUE, claim_id=_STRING, ttl=_ANY, grace=_ANY),
        ('queue_name', 'claim_id')),
    'claim_delete': _request('claim_delete', dict(
        _QUEUE, claim_id=_STRING), ('queue_name', 'claim_id')),
    # Subscriptions (without ``subscriber``: push to this connection).
    'subscription_create': _request('subscription_create', dict(
        _QUEUE, subscriber=_STRING, ttl=_ANY, options=_ANY),
        ('queue_name',)),
    'subscription_list': _request('subscription_list', dict(
        _QUEUE, **_PAGE), ('queue_name',)),
    'subscription_get': _request('subscription_get', dict(
        _QUEUE, subscription_id=_STRING), ('queue_name', 'subscription_id')),
    'subscription_delete': _request('subscription_delete', dict(
        _QUEUE, subscription_id=_STRING), ('queue_name', 'subscription_id')),
}

# The name every module of this package lists its schemas under.
SCHEMAS = REQUESTS
