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

"""One function per WebSocket action: body -> the shared operation -> (status, body).

Each handler reads its (schema-checked) request body, calls the same
``zaqar.api`` operation HTTP calls, through ``actions.dispatch``, and
renders the result as WebSocket clients expect it. Handlers block on storage,
so the protocol runs them in its thread pool. A handler that needs the
live connection (push subscriptions, authentication) says so when it
registers, and the protocol hands it the connection instead; no table
of its own, no test of the action's name.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

from zaqar.api import actions
from zaqar.api.payload import Payload
from zaqar.common import errors
from zaqar.transport import home
from zaqar.transport.websocket import render

Result = tuple[int, Any]
Handler = Callable[[Any, Any, dict], Result]


@dataclasses.dataclass(frozen=True)
class Entry:
    """How the protocol runs one action."""

    # Blocking ``func(svc, ctx, body)`` run in the thread pool; or, with
    # ``needs_connection``, ``await func(connection, ctx, body, binary)``
    # on the event loop (it hops to threads itself).
    func: Callable
    needs_connection: bool = False
    # False only for the action that authenticates: the authentication
    # gate does not apply to it; ``await func(connection, headers)``.
    gated: bool = True


HANDLERS: dict[str, Entry] = {}


def handler(name: str, *, needs_connection: bool = False,
            gated: bool = True):
    def register(func: Callable) -> Callable:
        if name in HANDLERS:
            raise ValueError(f'{name} has two WebSocket handlers')
        HANDLERS[name] = Entry(func, needs_connection, gated)
        return func
    return register


def _int(value: Any) -> Any:
    """JSON Schema calls 5.0 an integer; the operations want an int."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _fields(body: dict, *names: str) -> Payload:
    """A body made of those of ``names`` the client sent."""
    return Payload.from_document({n: _int(body[n]) for n in names
                                  if n in body})


def _optional(body: dict, name: str) -> Payload:
    """The document under ``name``, or no body at all."""
    if name not in body:
        return Payload(None)
    return Payload.from_document(body[name])


# -- Node ---------------------------------------------------------------

@handler('ping_node')
def ping_node(svc, ctx, body: dict) -> Result:
    if actions.dispatch(svc, ctx, 'ping'):
        return 204, {}
    raise errors.ServiceUnavailable(errors.STORAGE_UNREACHABLE)


@handler('get_home_doc')
def get_home_doc(svc, ctx, body: dict) -> Result:
    return 200, json.loads(home.render(svc.conf.admin_mode))


@handler('check_node_health')
def check_node_health(svc, ctx, body: dict) -> Result:
    # Like GET /v2/health: only in admin mode, and for admins.
    if not svc.conf.admin_mode:
        raise errors.HealthAdminOnly()
    return 200, actions.dispatch(svc, ctx, 'health')


# -- Queues ---------------------------------------------------------------

@handler('queue_list')
def queue_list(svc, ctx, body: dict) -> Result:
    detailed = body.get('detailed', False)
    queues, _, count = actions.dispatch(
        svc, ctx, 'queue_list', marker=body.get('marker'),
        limit=_int(body.get('limit', 10)), detailed=detailed,
        name=body.get('name'), with_count=body.get('with_count', False))
    items = []
    for queue in queues:
        item = {'name': queue.name}
        if detailed:
            item['metadata'] = queue.metadata
        items.append(item)
    result: dict[str, Any] = {'queues': items}
    if count is not None:
        result['count'] = count
    return 200, result


@handler('queue_create')
def queue_create(svc, ctx, body: dict) -> Result:
    name = body['queue_name']
    created = actions.dispatch(svc, ctx, 'queue_create', queue_name=name,
                               payload=_optional(body, 'metadata'))
    return (201 if created else 204), f'Queue {name} created.'


@handler('queue_delete')
def queue_delete(svc, ctx, body: dict) -> Result:
    name = body['queue_name']
    actions.dispatch(svc, ctx, 'queue_delete', queue_name=name)
    return 204, f'Queue {name} removed.'


@handler('queue_get')
def queue_get(svc, ctx, body: dict) -> Result:
    # Reserved defaults filled in, as over HTTP (upstream sent the raw
    # stored document; every key it had is still there).
    return 200, actions.dispatch(svc, ctx, 'queue_get',
                                 queue_name=body['queue_name'])


@handler('queue_get_stats')
def queue_get_stats(svc, ctx, body: dict) -> Result:
    name = body['queue_name']
    result = actions.dispatch(svc, ctx, 'queue_get_stats', queue_name=name)
    return 200, render.stats(result, name)


@handler('queue_purge')
def queue_purge(svc, ctx, body: dict) -> Result:
    actions.dispatch(svc, ctx, 'queue_purge', queue_name=body['queue_name'],
                     payload=(_fields(body, 'resource_types')
                              if 'resource_types' in body else Payload(None)))
    return 204, {}


# -- Dead-letter redrive ---------------------------------------------------

@handler('redrive_create')
def redrive_create(svc, ctx, body: dict) -> Result:
    return 202, actions.dispatch(
        svc, ctx, 'redrive_create', queue_name=body['queue_name'],
        payload=_fields(body, 'destination', 'max_messages', 'rate'))


@handler('redrive_get')
def redrive_get(svc, ctx, body: dict) -> Result:
    return 200, actions.dispatch(svc, ctx, 'redrive_get',
                                 queue_name=body['queue_name'],
                                 redrive_id=body['redrive_id'])


@handler('redrive_cancel')
def redrive_cancel(svc, ctx, body: dict) -> Result:
    actions.dispatch(svc, ctx, 'redrive_cancel',
                     queue_name=body['queue_name'],
                     redrive_id=body['redrive_id'])
    return 204, {}


# -- Messages -------------------------------------------------------------

@handler('message_list')
def message_list(svc, ctx, body: dict) -> Result:
    found, _ = actions.dispatch(
        svc, ctx, 'message_list', queue_name=body['queue_name'],
        marker=body.get('marker'), limit=_int(body.get('limit', 10)),
        echo=body.get('echo', False),
        include_claimed=body.get('include_claimed', False),
        include_delayed=body.get('include_delayed', False),
        wait=_int(body.get('wait')))
    return 200, {'messages': render.messages(found)}


@handler('message_get')
def message_get(svc, ctx, body: dict) -> Result:
    found = actions.dispatch(svc, ctx, 'message_get',
                             queue_name=body['queue_name'],
                             message_id=body['message_id'])
    # One message under the plural key, as upstream clients read it.
    return 200, {'messages': render.message(found)}


@handler('message_get_many')
def message_get_many(svc, ctx, body: dict) -> Result:
    try:
        found = actions.dispatch(svc, ctx, 'message_get_many',
                                 queue_name=body['queue_name'],
                                 ids=body['message_ids'])
    except errors.NotFound:
        # Over WebSocket, no match is an empty list rather than a 404.
        found = []
    return 200, {'messages': render.messages(found)}


@handler('message_post')
def message_post(svc, ctx, body: dict) -> Result:
    ids = actions.dispatch(svc, ctx, 'message_post',
                           queue_name=body['queue_name'],
                           payload=_fields(body, 'messages'))
    return 201, {'message_ids': ids}


@handler('message_delete')
def message_delete(svc, ctx, body: dict) -> Result:
    actions.dispatch(svc, ctx, 'message_delete',
                     queue_name=body['queue_name'],
                     message_id=body['message_id'],
                     claim_id=body.get('claim_id'))
    return 204, {}


@handler('message_delete_many')
def message_delete_many(svc, ctx, body: dict) -> Result:
    popped = actions.dispatch(
        svc, ctx, 'message_delete_many', queue_name=body['queue_name'],
        ids=body.get('message_ids'), claim_ids=body.get('claim_ids'),
        pop=_int(body.get('pop')))
    if popped is None:
        return 204, {}
    return 200, {'messages': render.messages(popped)}


# -- Claims ---------------------------------------------------------------

@handler('claim_create')
def claim_create(svc, ctx, body: dict) -> Result:
    claim_id, claimed = actions.dispatch(
        svc, ctx, 'claim_create', queue_name=body['queue_name'],
        payload=_fields(body, 'ttl', 'grace'),
        limit=_int(body.get('limit')), wait=_int(body.get('wait')))
    if not claimed:
        # Nothing to claim: no claim exists, so no id (upstream made one up).
        return 204, {'claim_id': None, 'messages': []}
    return 201, {'claim_id': claim_id, 'messages': render.messages(claimed)}


@handler('claim_get')
def claim_get(svc, ctx, body: dict) -> Result:
    claim = actions.dispatch(svc, ctx, 'claim_get',
                             queue_name=body['queue_name'],
                             claim_id=body['claim_id'])
    return 200, {'age': claim.age, 'ttl': claim.ttl,
                 'messages': render.messages(list(claim.messages))}


@handler('claim_update')
def claim_update(svc, ctx, body: dict) -> Result:
    claim_id = body['claim_id']
    actions.dispatch(svc, ctx, 'claim_update', queue_name=body['queue_name'],
                     claim_id=claim_id, payload=_fields(body, 'ttl', 'grace'))
    return 204, f'Claim {claim_id} updated.'


@handler('claim_delete')
def claim_delete(svc, ctx, body: dict) -> Result:
    claim_id = body['claim_id']
    actions.dispatch(svc, ctx, 'claim_delete', queue_name=body['queue_name'],
                     claim_id=claim_id)
    return 204, f'Claim {claim_id} deleted.'
