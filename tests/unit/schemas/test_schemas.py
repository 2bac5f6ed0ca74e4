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

"""Every schema is a valid JSON Schema that means what it says."""

from __future__ import annotations

import importlib
import pkgutil
import unittest

import jsonschema

import zaqar.schemas
from zaqar.schemas import (
    claims,
    flavors,
    messages,
    pools,
    queues,
    share,
    subscriptions,
)

# Modules owned by other transports, with their own tests.
_ELSEWHERE = {'websocket'}


def schema_modules():
    for info in pkgutil.iter_modules(zaqar.schemas.__path__):
        if info.name not in _ELSEWHERE:
            yield importlib.import_module(f'zaqar.schemas.{info.name}')


def walk(schema, path='$'):
    """Every (path, subschema) below ``schema``, itself included."""
    if isinstance(schema, dict):
        yield path, schema
        for key, value in schema.items():
            if key.startswith('x-'):
                continue  # annotations (x-error wording), not schemas
            if key in ('properties', 'patternProperties', '$defs'):
                for name, sub in value.items():
                    yield from walk(sub, f'{path}.{key}.{name}')
            elif isinstance(value, (dict, list)):
                yield from walk(value, f'{path}.{key}')
    elif isinstance(schema, list):
        for i, sub in enumerate(schema):
            yield from walk(sub, f'{path}[{i}]')


class SchemaValidityTest(unittest.TestCase):

    def test_every_module_lists_its_schemas(self):
        for module in schema_modules():
            self.assertIsInstance(getattr(module, 'SCHEMAS', None), dict,
                                  module.__name__)
            self.assertTrue(module.__doc__, module.__name__)

    def test_every_schema_is_valid(self):
        for module in schema_modules():
            for name, schema in module.SCHEMAS.items():
                with self.subTest(schema=f'{module.__name__}.{name}'):
                    jsonschema.Draft202012Validator.check_schema(schema)

    def test_keywords_sit_beside_properties_not_inside(self):
        # A keyword written inside "properties" is a property named after
        # it, and the schema silently accepts anything.
        keywords = {'additionalProperties', 'required', 'type',
                    'minProperties'}
        for module in schema_modules():
            for name, schema in module.SCHEMAS.items():
                for path, sub in walk(schema):
                    props = sub.get('properties')
                    if isinstance(props, dict):
                        misplaced = keywords & set(props)
                        self.assertFalse(
                            misplaced, f'{module.__name__}.{name} {path}')

    def test_required_names_are_declared(self):
        for module in schema_modules():
            for name, schema in module.SCHEMAS.items():
                for path, sub in walk(schema):
                    for field in sub.get('required', []):
                        self.assertIn(field, sub.get('properties', {}),
                                      f'{module.__name__}.{name} {path}')


def valid(schema, document) -> bool:
    return jsonschema.Draft202012Validator(schema).is_valid(document)


class SchemaMeaningTest(unittest.TestCase):
    """Documents from the spec pass; the spec's rejections fail."""

    def test_queue_metadata(self):
        self.assertTrue(valid(queues.METADATA, {'a': 1,
                                                '_default_message_ttl': 60}))
        self.assertFalse(valid(queues.METADATA,
                               {'_default_message_ttl': 30}))
        self.assertFalse(valid(queues.METADATA,
                               {'_default_message_ttl': 'abc'}))
        self.assertFalse(valid(queues.METADATA, []))

    def test_queue_patch(self):
        self.assertTrue(valid(queues.PATCH, [
            {'op': 'add', 'path': '/metadata/a', 'value': 1}]))
        self.assertFalse(valid(queues.PATCH, [{'op': 'move',
                                               'path': '/metadata/a'}]))
        self.assertFalse(valid(queues.PATCH, [{'op': 'add',
                                               'path': '/metadata/a/b'}]))
        self.assertFalse(valid(queues.PATCH, {'op': 'add'}))

    def test_purge(self):
        self.assertTrue(valid(queues.PURGE, {'resource_types': ['messages']}))
        self.assertFalse(valid(queues.PURGE, {'resource_types': ['foo']}))
        self.assertFalse(valid(queues.PURGE, {}))

    def test_message_post(self):
        self.assertTrue(valid(messages.POST, {'messages': [
            {'body': None}, {'body': {'a': 1}, 'ttl': 60}]}))
        for bad in ({'messages': []}, {}, {'messages': [{'ttl': 60}]},
                    {'messages': [{'body': 1, 'ttl': 59}]},
                    {'messages': [{'body': 1, 'ttl': '60'}]}):
            self.assertFalse(valid(messages.POST, bad), bad)

    def test_claims(self):
        self.assertTrue(valid(claims.CREATE, {}))
        self.assertTrue(valid(claims.CREATE, {'ttl': 60, 'grace': 60}))
        self.assertFalse(valid(claims.CREATE, {'ttl': 43201}))
        self.assertFalse(valid(claims.CREATE, {'grace': 59}))
        self.assertTrue(valid(claims.UPDATE, {'ttl': 100, 'grace': 0}))

    def test_subscriptions(self):
        self.assertTrue(valid(subscriptions.CREATE,
                              {'subscriber': 'http://example.com/hook'}))
        self.assertTrue(valid(subscriptions.CREATE,
                              {'subscriber': 'mailto:a@example.com',
                               'ttl': 3600, 'options': {}}))
        self.assertFalse(valid(subscriptions.CREATE, {}))
        self.assertFalse(valid(subscriptions.CREATE,
                               {'subscriber': 'ftp://example.com'}))
        self.assertFalse(valid(subscriptions.CREATE,
                               {'subscriber': 'http://x', 'ttl': 59}))
        self.assertFalse(valid(subscriptions.CREATE,
                               {'subscriber': 'http://x', 'options': []}))
        self.assertFalse(valid(subscriptions.UPDATE, {}))
        self.assertFalse(valid(subscriptions.UPDATE, {'foo': 1}))
        self.assertFalse(valid(subscriptions.CONFIRM, {'confirmed': 'yes'}))

    def test_share(self):
        self.assertTrue(valid(share.REQUEST, {}))
        self.assertTrue(valid(share.REQUEST, {
            'paths': ['messages', 'claims'], 'methods': ['GET', 'POST'],
            'expires': '2030-01-01T00:00:00'}))
        self.assertFalse(valid(share.REQUEST, {'bar': 1}))
        self.assertFalse(valid(share.REQUEST, {'paths': ['foo']}))
        self.assertFalse(valid(share.REQUEST, {'expires': 12345}))

    def test_pools(self):
        self.assertTrue(valid(pools.CREATE, {'weight': 100,
                                             'uri': 'redis://h:6379'}))
        self.assertFalse(valid(pools.CREATE, {'weight': 100}))
        self.assertFalse(valid(pools.CREATE, {'weight': -1, 'uri': 'x'}))
        self.assertFalse(valid(pools.CREATE, {'weight': 'a', 'uri': 'x'}))
        self.assertFalse(valid(pools.CREATE, {'weight': 1, 'uri': 'x',
                                              'group': 'g'}))
        self.assertFalse(valid(pools.UPDATE, {}))

    def test_flavors(self):
        self.assertTrue(valid(flavors.CREATE, {'pool_list': ['p1']}))
        self.assertFalse(valid(flavors.CREATE, {}))
        self.assertFalse(valid(flavors.UPDATE, {'capabilities': {}}))
