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

"""GET /v2/openapi.json: an OpenAPI 3.1 description of this deployment's API.

Built once at start-up from the JSON Schemas in ``zaqar.schemas`` and the
home document: an operation is described when the home document advertises
its relation (so admin routes appear only with ``admin_mode``, and routes
that other features add appear as those features land). Like every v2
resource it needs the ``Client-ID`` and ``X-Project-ID`` headers.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Callable

from zaqar.schemas import (
    claims,
    common,
    flavors,
    health,
    messages,
    pools,
    queues,
    redrive,
    share,
    subscriptions,
)
from zaqar.transport.wsgi import render
from zaqar.transport.wsgi.controllers import base
from zaqar.transport.wsgi.controllers.v2 import openapi_operations as ops

OPENAPI_VERSION = '3.1.0'
PATH = ops.OPENAPI_PATH
OPERATIONS = ops.OPERATIONS
_ALWAYS = ops.ALWAYS

# Component name -> schema; operations refer to them by name.
_SCHEMA_MODULES = {
    'common': common, 'queues': queues, 'messages': messages,
    'claims': claims, 'subscriptions': subscriptions, 'share': share,
    'redrive': redrive,
    'pools': pools, 'flavors': flavors, 'health': health,
}

# Schemas built here from the resource schemas.
_DERIVED = {
    'messages.LIST_OR_MANY': {'anyOf': [
        {'$ref': '#/components/schemas/messages.LIST'},
        {'$ref': '#/components/schemas/messages.MANY'}]},
}


def home_routes(home: dict) -> dict[str, set[tuple[str, str]]]:
    """{rel: {(method, path)}} advertised by a home document.

    Paths lose their query templates and use ``{}`` for every variable,
    so they compare with OpenAPI paths whatever the variables are named.
    """
    routes: dict[str, set[tuple[str, str]]] = {}
    for rel, entry in home['resources'].items():
        href = entry.get('href') or entry['href-template']
        path = normalise(href.split('{?', 1)[0])
        routes[rel.split('/', 1)[1]] = {
            (m.lower(), path) for m in entry['hints']['allow']}
    return routes


def normalise(path: str) -> str:
    return re.sub(r'\{[^}]*\}', '{}', path)


def _response(spec: tuple) -> dict:
    description, schema, media = spec
    result: dict = {'description': description}
    if schema is not None:
        result['content'] = {media: {'schema': {
            '$ref': f'#/components/schemas/{schema}'}}}
    return result


def _operation(op: ops.Operation) -> dict:
    params = [{'$ref': '#/components/parameters/client_id'},
              {'$ref': '#/components/parameters/project_id'}]
    params += [{'$ref': f'#/components/parameters/{name}'}
               for name in op.params]
    result = {
        'operationId': op.operation_id,
        'summary': op.summary,
        'tags': [op.tag],
        'parameters': params,
        'responses': {str(status): _response(spec)
                      for status, spec in sorted(op.responses.items())},
    }
    if op.body:
        result['requestBody'] = {
            'required': op.body_required,
            'content': {op.media_type: {'schema': {
                '$ref': f'#/components/schemas/{op.body}'}}},
        }
    return result


def _components() -> dict:
    schemas = {}
    for module_name, module in _SCHEMA_MODULES.items():
        for name, schema in module.SCHEMAS.items():
            schemas[f'{module_name}.{name}'] = copy.deepcopy(schema)
    schemas.update(copy.deepcopy(_DERIVED))
    return {'schemas': schemas, 'parameters': copy.deepcopy(ops.PARAMETERS)}


def build(home: dict) -> dict:
    """The OpenAPI document for the routes ``home`` advertises."""
    rels = set(home_routes(home)) | {_ALWAYS}
    paths: dict = {}
    versions = {'get': {
        'operationId': 'versions', 'summary': 'API versions (no headers).',
        'tags': ['versions'],
        'responses': {'300': _response(ops.ok('Versions.',
                                           'health.VERSIONS'))}}}
    paths['/'] = versions
    for op in OPERATIONS:
        if op.rel in rels:
            paths.setdefault(op.path, {})[op.method] = _operation(op)
    return {
        'openapi': OPENAPI_VERSION,
        'info': {
            'title': 'Zaqar messaging API',
            'version': '2',
            'description': 'Queues, messages, claims, subscriptions and '
                           'signed URLs; the admin API (pools, flavors, '
                           'health) when admin_mode is on.',
        },
        'servers': [{'url': '/'}],
        'paths': paths,
        'components': _components(),
    }


class OpenAPIDocument(base.Resource):
    """Serves the document, rendered on first use for this deployment."""

    def __init__(self, home_document: Callable[[], bytes]):
        self._home_document = home_document
        self._body: bytes | None = None

    def on_get(self):
        if self._body is None:
            self._body = json.dumps(
                build(json.loads(self._home_document()))).encode()
        resp = render.response(200)
        resp.content_type = 'application/json'
        resp.charset = None
        resp.body = self._body
        return resp
