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

"""The OpenAPI document: valid, and covering every home-document route."""

from __future__ import annotations

import json
import unittest

import jsonschema

from zaqar.transport import home
from zaqar.transport.wsgi.controllers.v2 import openapi

_Q = {'queue_name': 'param/queue_name'}
_S = dict(_Q, subscription_id='param/subscription_id')
# Relations the spec's home document has that features add as they land.
FEATURE_RELS = [
    ('subscriptions_get',
     '/v2/queues/{queue_name}/subscriptions{?marker,limit}', _Q, ['GET']),
    ('subscriptions_post', '/v2/queues/{queue_name}/subscriptions', _Q,
     ['POST']),
    ('subscription',
     '/v2/queues/{queue_name}/subscriptions/{subscriptions_id}', _S,
     ['GET', 'DELETE']),
    ('subscription_patch',
     '/v2/queues/{queue_name}/subscriptions/{subscriptions_id}', _S,
     ['PATCH']),
    ('pools', '/v2/pools{?detailed,limit,marker}', {}, ['GET']),
    ('pool', '/v2/pools/{pool_name}', {}, ['GET', 'PUT', 'PATCH', 'DELETE']),
    ('flavors', '/v2/flavors{?detailed,limit,marker}', {}, ['GET']),
    ('flavor', '/v2/flavors/{flavor_name}', {},
     ['GET', 'PUT', 'PATCH', 'DELETE']),
]


def home_document(admin_mode: bool, extra=None) -> dict:
    return json.loads(home.render(admin_mode, extra))


def documented(document: dict) -> set[tuple[str, str]]:
    return {(method, openapi.normalise(path))
            for path, item in document['paths'].items()
            for method in item}


class OpenAPIDocumentTest(unittest.TestCase):

    def check_covers_home(self, home_doc: dict):
        document = openapi.build(home_doc)
        found = documented(document)
        for rel, routes in openapi.home_routes(home_doc).items():
            for route in routes:
                self.assertIn(route, found, f'rel/{rel}')
        return document

    def test_covers_the_project_home_document(self):
        document = self.check_covers_home(home_document(False))
        self.assertNotIn('/v2/health', document['paths'])

    def test_covers_the_admin_home_document(self):
        document = self.check_covers_home(home_document(True))
        self.assertIn('/v2/health', document['paths'])

    def test_covers_the_full_spec_home_document(self):
        document = self.check_covers_home(home_document(True, FEATURE_RELS))
        self.assertIn('/v2/queues/{queue_name}/subscriptions/'
                      '{subscription_id}/confirm', document['paths'])

    def test_every_operation_has_a_home_relation(self):
        rels = set(openapi.home_routes(home_document(True, FEATURE_RELS)))
        for op in openapi.OPERATIONS:
            self.assertIn(op.rel, rels | {openapi._ALWAYS}, op.operation_id)

    def test_operation_ids_are_unique(self):
        ids = [op.operation_id for op in openapi.OPERATIONS]
        self.assertEqual(len(ids), len(set(ids)))

    def test_every_reference_resolves(self):
        document = openapi.build(home_document(True, FEATURE_RELS))
        text = json.dumps(document)
        for kind in ('schemas', 'parameters'):
            names = document['components'][kind]
            prefix = f'"#/components/{kind}/'
            for chunk in text.split(prefix)[1:]:
                self.assertIn(chunk.split('"', 1)[0], names)

    def test_component_schemas_are_valid(self):
        document = openapi.build(home_document(True, FEATURE_RELS))
        for name, schema in document['components']['schemas'].items():
            with self.subTest(schema=name):
                jsonschema.Draft202012Validator.check_schema(schema)

    def test_schemathesis_loads_it(self):
        import schemathesis
        document = openapi.build(home_document(True, FEATURE_RELS))
        schema = schemathesis.openapi.from_dict(document)
        operations = [op.ok() for op in schema.get_all_operations()]
        self.assertEqual(len(openapi.OPERATIONS) + 1, len(operations))
