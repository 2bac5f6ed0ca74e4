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

"""Every request rule has one definition.

Each rule lives in a schema an Action names (zaqar.schemas.requests). For
every bounded or typed rule of every action this generates an instance on
each side of it and checks that the validator accepts or refuses it with
the error class the rule names, and that /v2/openapi.json describes that
very rule, under the defaults and under other configured limits. A grep
checks no operation compares against a configured limit by hand.
"""

from __future__ import annotations

import json
import pathlib
import re
import unittest

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zaqar.api import actions, validation
from zaqar.common import errors
from zaqar.schemas import common
from zaqar.transport import home
from zaqar.transport.wsgi.controllers.v2 import openapi

ROOT = pathlib.Path(__file__).resolve().parents[3]
# Valid values of required body fields, to test the other fields alone.
REQUIRED_SAMPLES = {'uri': 'sqlite://', 'weight': 1, 'pool_list': [],
                    'subscriber': 'http://example.com', 'confirmed': True,
                    'messages': [{'body': 1}], 'resource_types': []}
# A line that checks a value against something.
COMPARES = re.compile(r'<|>|page_limit\(|check\(|refusal\(|range\(')
# Rules on a configured limit that JSON Schema cannot state, kept as code
# in one place each: (file, limit) -> what it bounds.
CODE_RULES = {
    ('zaqar/api/messages.py', 'max_messages_post_size'):
        'byte size of a post, checked before it is parsed',
}


def limits(**changes):
    values = dict(vars(common.DEFAULTS))
    values.update(changes)
    return type(common.DEFAULTS)(**values)


def rules(schema, path=()):
    """(path, node) for every node carrying a rule, below ``schema``."""
    if not isinstance(schema, dict):
        return
    yield path, schema
    for key, sub in schema.get('properties', {}).items():
        yield from rules(sub, path + (key,))
    if isinstance(schema.get('items'), dict):
        yield from rules(schema['items'], path + (0,))


def outside(node):
    """(keyword, instance) pairs that break one rule of ``node`` each."""
    types_ = node.get('type')
    types_ = [types_] if isinstance(types_, str) else (types_ or [])
    if 'minimum' in node:
        yield 'minimum', node['minimum'] - 1
    if 'maximum' in node:
        yield 'maximum', node['maximum'] + 1
    if 'minItems' in node:
        yield 'minItems', ['x'] * (node['minItems'] - 1)
    if 'maxItems' in node:
        yield 'maxItems', ['x'] * (node['maxItems'] + 1)
    if types_ and 'string' not in types_:
        yield 'type', 'not-a-number'
    elif types_ and 'integer' not in types_ and 'object' not in types_:
        yield 'type', 12.5


def inside(node):
    """An instance that keeps every rule of ``node`` (None: no simple one)."""
    if 'minimum' in node:
        return node['minimum']
    if 'minItems' in node:
        return ['x'] * node['minItems']
    return None


def place(path, value):
    """``value`` nested at ``path`` inside a minimal document."""
    for step in reversed(path):
        value = [value] if step == 0 else {step: value}
    return value


def rule_error(node, keyword, instance):
    spec = node.get('x-error')
    if isinstance(spec, dict):
        return spec.get(f'{keyword}:{validation.json_type(instance)}',
                        spec.get(keyword))
    return spec


def request_actions():
    for name, action in sorted(actions.ACTIONS.items()):
        if action.request is not None:
            yield name, action


class OneDefinitionTest(unittest.TestCase):

    def test_actions_with_bodies_or_queries_carry_a_request(self):
        for name in ('message_post', 'message_list', 'message_get_many',
                     'message_delete_many', 'claim_create', 'claim_update',
                     'queue_create', 'queue_update', 'queue_list',
                     'queue_purge', 'subscription_list', 'pool_list',
                     'flavor_list', 'topic_message_post'):
            self.assertIsNotNone(actions.ACTIONS[name].request, name)

    def test_every_x_error_names_a_worded_error(self):
        for name, action in request_actions():
            request = action.request(common.DEFAULTS)
            schemas = list(request.query.values()) + [request.body]
            for schema in schemas:
                for path, node in rules(schema):
                    spec = node.get('x-error')
                    names = ([spec] if isinstance(spec, str)
                             else list((spec or {}).values()))
                    for error_name in names:
                        cls = getattr(errors, error_name, None)
                        self.assertTrue(
                            isinstance(cls, type)
                            and issubclass(cls, errors.Worded)
                            and issubclass(cls, errors.APIError),
                            f'{name} {path}: {error_name}')
                        fields = dict(field='f', minimum=1, maximum=2,
                                      value=0, id='s')
                        fields.update(node.get('x-fields', {}))
                        self.assertLess(cls(**fields).status, 500)

    def check_rules(self, lim):
        checked = 0
        for name, action in request_actions():
            request = action.request(lim)
            for param, schema in request.query.items():
                for path, node in rules(schema):
                    checked += self.check_node(
                        f'{name}?{param}', node,
                        lambda v, p=path: place(p, v),
                        lambda doc, s=schema: validation.refusal(s, doc))
            if request.body is not None:
                for path, node in rules(request.body):
                    if not path:
                        continue
                    checked += self.check_node(
                        f'{name} body {path}', node,
                        lambda v, p=path: self.body(request.body, p, v),
                        lambda doc, s=request.body: validation.refusal(
                            s, doc, id='s'))
        return checked

    @staticmethod
    def body(schema, path, value):
        """A document valid but for ``value`` at ``path``."""
        if path == ('messages',) and isinstance(value, list):
            value = [{'body': 1} for _ in value]
        doc = place(path, value)
        for field in schema.get('required', ()):
            if isinstance(doc, dict) and field not in doc:
                doc[field] = REQUIRED_SAMPLES[field]
        if path and path[0] == 'messages':
            item = doc['messages'][0] if len(path) > 1 else None
            if isinstance(item, dict):
                item.setdefault('body', 1)
        return doc

    def check_node(self, where, node, build, refuse) -> int:
        checked = 0
        good = inside(node)
        if good is not None:
            self.assertIsNone(refuse(build(good)), where)
        for keyword, bad in outside(node):
            error = refuse(build(bad))
            self.assertIsNotNone(error, f'{where} {keyword} {bad!r}')
            self.assertEqual(400, error.status, where)
            named = rule_error(node, keyword, bad)
            if named is not None:
                self.assertIsInstance(error, getattr(errors, named), where)
            checked += 1
        return checked

    def test_validator_applies_every_rule_under_defaults(self):
        self.assertGreater(self.check_rules(common.DEFAULTS), 20)

    def test_validator_applies_every_rule_under_other_limits(self):
        self.assertGreater(self.check_rules(limits(
            max_messages_per_page=50, max_message_ttl=7200,
            max_claim_ttl=600, max_queues_per_page=7)), 20)

    def document(self, lim):
        home_doc = json.loads(home.render(True))
        return openapi.build(home_doc, lim)

    def test_openapi_describes_the_very_rules(self):
        for lim in (common.DEFAULTS, limits(max_messages_per_page=50,
                                            max_message_ttl=7200)):
            document = self.document(lim)
            components = document['components']['schemas']
            seen = set()
            for path_item in document['paths'].values():
                for op in path_item.values():
                    op_id = op['operationId']
                    operation = next((o for o in openapi.OPERATIONS
                                      if o.operation_id == op_id), None)
                    if operation is None:
                        continue  # "/": the versions document
                    requests = openapi.requests_of(operation, lim)
                    query = {}
                    for request in requests:
                        query.update(request.query)
                    for param in op['parameters']:
                        if '$ref' in param or param['in'] != 'query':
                            continue
                        if param['name'] in query:
                            self.assertEqual(query[param['name']],
                                             param['schema'], op_id)
                            seen.add((op_id, param['name']))
                    bodies = [r.body for r in requests if r.body]
                    if bodies:
                        ref = next(iter(op['requestBody']['content'].values()
                                        ))['schema']['$ref']
                        self.assertEqual(bodies[0],
                                         components[ref.rsplit('/', 1)[1]],
                                         op_id)
                        seen.add((op_id, 'body'))
            # Every action's request shows up in the document.
            for name, action in request_actions():
                request = action.request(lim)
                for param in request.query:
                    self.assertTrue(
                        any(p == param and (o == name or name in
                            openapi._ALSO_SERVES.get(o, ()))
                            for o, p in seen), f'{name}?{param}')
                if request.body is not None:
                    self.assertIn((name, 'body'), seen, name)

    def test_a_configured_limit_changes_validation_and_document(self):
        wide = limits(max_messages_per_page=50, max_message_ttl=7200)
        for lim, maximum, ttl in ((common.DEFAULTS, 20, 1209600),
                                  (wide, 50, 7200)):
            request = actions.ACTIONS['message_list'].request(lim)
            validation.query(request, {'limit': maximum})
            with self.assertRaises(errors.PageLimit) as caught:
                validation.query(request, {'limit': maximum + 1})
            self.assertIn(f'greater than {maximum}.',
                          caught.exception.description)
            document = self.document(lim)
            params = document['paths']['/v2/queues/{queue_name}/messages'][
                'get']['parameters']
            limit = next(p for p in params if p.get('name') == 'limit')
            self.assertEqual(maximum, limit['schema']['maximum'])
            post = document['components']['schemas']['messages.POST']
            self.assertEqual(ttl, post['properties']['messages']['items'][
                'properties']['ttl']['maximum'])

    def test_no_hand_written_check_of_a_configured_limit(self):
        # The limits the request schemas bound: only zaqar.schemas reads
        # them (validation.Limits copies them from config).
        bounded = set()
        for name, action in request_actions():
            text = json.dumps(action.request(limits(**{
                k: 1000003 + i for i, k in enumerate(vars(common.DEFAULTS))
                if k.startswith('max_') and isinstance(
                    getattr(common.DEFAULTS, k), int)})).__dict__,
                default=str)
            for i, key in enumerate(vars(common.DEFAULTS)):
                if key.startswith('max_') and str(1000003 + i) in text:
                    bounded.add(key)
        self.assertGreaterEqual(len(bounded), 8, bounded)
        pattern = re.compile(r'\.(%s)\b' % '|'.join(sorted(bounded)))
        for path in sorted((ROOT / 'zaqar').rglob('*.py')):
            rel = path.relative_to(ROOT).as_posix()
            if rel.startswith(('zaqar/schemas/', 'zaqar/conf/')):
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if rel == 'zaqar/api/validation.py' and \
                        re.match(r'\s+self\.\w+ = t\.\w+$', line):
                    continue
                found = pattern.search(line)
                if found and not COMPARES.search(line):
                    continue  # read, not checked (a default shown, ...)
                if found and (rel, found.group(1)) in CODE_RULES:
                    continue
                self.assertIsNone(found, f'{rel}:{number}: {line.strip()}')


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-10 ** 7, 10 ** 7)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(['', 'x', 'messages', 'http://example.com', 'linear',
                       'mailto:a@example.com', 'q-1', '../x']),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.sampled_from(['body', 'ttl', 'grace', 'x']),
                      children, max_size=3),
    max_leaves=6)


def all_rules():
    """(action, schema, path, build) for every rule of every request."""
    found = []
    for name, action in request_actions():
        request = action.request(common.DEFAULTS)
        for param, schema in request.query.items():
            for path, _ in rules(schema):
                found.append((f'{name}?{param}', schema, path,
                              lambda v, p=path: place(p, v)))
        if request.body is not None:
            for path, _ in rules(request.body):
                found.append((f'{name} body', request.body, path,
                              lambda v, p=path, s=request.body:
                              OneDefinitionTest.body(s, p, v)))
    return found


class CompiledChecksTest(unittest.TestCase):
    """zaqar.api.schema_check answers what jsonschema answers."""

    @settings(max_examples=400, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(all_rules()), JSON)
    def test_same_verdict_and_first_rule_as_jsonschema(self, rule, value):
        where, schema, path, build = rule
        document = build(value)
        failure = validation.compiled(schema)(document, ())
        first = next(iter(validation.Validator(schema).iter_errors(
            document)), None)
        self.assertEqual(first is None, failure is None,
                         f'{where} {document!r}: {first}')
        if first is not None:
            self.assertEqual(first.validator, failure[0],
                             f'{where} {document!r}')
            self.assertEqual(list(first.path), list(failure[3]),
                             f'{where} {document!r}')
