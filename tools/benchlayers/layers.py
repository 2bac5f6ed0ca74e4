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

"""Which callables mark the boundary of which layer of the request path.

The order of LAYERS is the order of the report's rows, from the outside in.
Seams are named by attribute, so a change that renames or removes one shows
up in the report's "missing seams" line instead of failing.
"""

from __future__ import annotations

import importlib

from seams import Patches, timed, timed_round_trip

LAYERS = (
    ('middleware', 'WSGI onion outside Pecan (body limit, request id, '
                   'CORS, healthcheck mount, signed-URL check, auth)'),
    ('framework', 'Pecan: request/response objects, hooks dispatch, '
                  'argument binding, empty-body handling'),
    ('routing', 'path -> controller (lookup, _lookup, controller objects)'),
    ('context', 'ContextHook: headers, Client-ID, project, roles, context'),
    ('controller', 'resource controller: method dispatch, query parameters'),
    ('dispatch', 'actions.dispatch: name checks, hooks after the action'),
    ('policy', 'policy decision (oslo.policy through the memo)'),
    ('quotas', 'quota and rate-limit check'),
    ('body-json', 'request body: JSON parsing (strict reader)'),
    ('body-checks', 'request body: document shape, ttl/delay/claim checks, '
                    'queue defaults'),
    ('action', 'the API operation itself (metadata cache, glue)'),
    ('notify', 'after-action hooks (lifecycle notifications)'),
    ('ids', 'id generation (message, claim ids)'),
    ('storage', 'storage driver, client-side Python (keys, script args, '
                'retries wrapper, pool, decoding replies)'),
    ('redis-io', 'Redis round trip: CPU of the send and read calls '
                 '(syscalls, RESP parsing)'),
    ('render', 'response rendering: result -> JSON body, headers, WebOb '
               'response, WSGI start_response'),
)
NAMES = tuple(name for name, _ in LAYERS)

# (module, attribute path, layer): attribute path is "Class.method" or
# "function". Module-level functions are looked up at call time by their
# callers (``module.function(...)``), so patching the module attribute
# reaches every caller.
SEAMS = (
    ('pecan.core', 'PecanBase.__call__', 'framework'),
    ('pecan.core', 'PecanBase.route', 'routing'),
    ('zaqar.transport.wsgi.direct_routes', 'direct', 'routing'),
    ('zaqar.transport.wsgi.hooks', 'ContextHook.on_route', 'context'),
    ('zaqar.transport.wsgi.hooks', 'ErrorHook.on_error', 'render'),
    ('zaqar.transport.wsgi.controllers.base', 'Resource.index',
     'controller'),
    ('zaqar.api.actions', 'dispatch', 'dispatch'),
    ('zaqar.api.service', 'Service.authorize', 'policy'),
    ('zaqar.limits.enforcer', 'Quotas.check', 'quotas'),
    ('zaqar.api.payload', 'Payload.parse', 'body-json'),
    ('zaqar.api.messages', '_messages_document', 'body-checks'),
    ('zaqar.api.messages', '_prepare', 'body-checks'),
    ('zaqar.api.validation', 'claim_fields', 'body-checks'),
    ('uuid', 'uuid4', 'ids'),
    ('zaqar.common.ids', 'uuid4', 'ids'),
    ('zaqar.transport.wsgi.render', 'response', 'render'),
    ('zaqar.transport.wsgi.render', 'message', 'render'),
    ('zaqar.transport.wsgi.render', 'next_link', 'render'),
    ('webob.response', 'Response.__call__', 'render'),
)

# Storage controllers whose public methods are the storage layer.
STORAGE_CONTROLLERS = ('queue_controller', 'message_controller',
                       'claim_controller')


def _resolve(module: str, path: str):
    try:
        owner = importlib.import_module(module)
    except ImportError:  # not in the code being measured
        return None, path
    *parents, name = path.split('.')
    for parent in parents:
        owner = getattr(owner, parent, None)
        if owner is None:
            return None, name
    return owner, name


def install(app, service) -> Patches:
    """Time every seam of ``app`` (built for ``service``)."""
    patches = Patches()
    for module, path, layer in SEAMS:
        owner, name = _resolve(module, path)
        if owner is None:
            patches.missing.append(f'{module}.{path}')
            continue
        patches.wrap(owner, name, layer)
    import zaqar.api.actions as actions
    for key, spec in list(actions.ACTIONS.items()):
        _wrap_action(patches, actions.ACTIONS, key, spec)
    for index, hook in enumerate(service.after_action):
        patches.swap(service.after_action, index, timed('notify', hook))
    _wrap_storage(patches, service)
    return patches


def _wrap_action(patches: Patches, registry: dict, key: str, spec) -> None:
    """ACTIONS entries are frozen dataclasses: swap the entry itself."""
    import dataclasses
    patches.swap(registry, key,
                 dataclasses.replace(spec, func=timed('action', spec.func)))


def _wrap_storage(patches: Patches, service) -> None:
    storage = service.storage
    seen = set()
    for attr in STORAGE_CONTROLLERS:
        controller = getattr(storage, attr, None)
        cls = type(controller)
        if controller is None or cls in seen:
            continue
        seen.add(cls)
        for name in _public_methods(cls):
            patches.wrap(cls, name, 'storage')
    # The round trip: the connection class the pool hands out.
    conn_cls = _connection_class(storage)
    for name in ('send_packed_command', 'read_response'):
        patches.wrap(conn_cls, name, 'redis-io', maker=timed_round_trip)


def _public_methods(cls) -> list[str]:
    names = []
    for klass in cls.__mro__:
        if klass.__module__.startswith('zaqar.storage.redis'):
            names += [n for n, v in vars(klass).items()
                      if not n.startswith('_') and callable(v)]
    return sorted(set(names))


def _connection_class(storage):
    pool = storage.executor.wire.pool
    return pool.connection_class
