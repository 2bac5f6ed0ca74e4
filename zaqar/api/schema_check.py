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
"""A request schema compiled to plain Python checks (the hot path).

jsonschema walks a schema for every document (tens of microseconds for a
one-message post); requests are checked against the same few schemas all
day, so each is compiled once into closures that answer the first rule a
document breaks, in the order the schema lists its rules (as jsonschema
reports them). The keywords are the subset zaqar.schemas uses; any other
fails at compile time. tests/unit/schemas/test_one_definition.py checks
that this and jsonschema agree.
"""

from __future__ import annotations

import re
from typing import Any, Callable

# (keyword, chain of schema nodes from the root to the failing one,
#  offending value, path of the value in the document)
Failure = tuple[str, tuple, Any, tuple]
Check = Callable[[Any, tuple], 'Failure | None']

_TYPES: dict[str, Callable[[Any], bool]] = {
    'integer': lambda v: type(v) is int,
    'number': lambda v: type(v) in (int, float),
    'string': lambda v: isinstance(v, str),
    'boolean': lambda v: v is True or v is False,
    'array': lambda v: isinstance(v, list),
    'object': lambda v: isinstance(v, dict),
    'null': lambda v: v is None,
}
# Annotations: no rule to check.
_IGNORED = frozenset(('description', 'title', 'default', 'examples',
                      'format', 'deprecated', 'readOnly', 'writeOnly'))


def _number(value: Any) -> bool:
    return type(value) in (int, float)


def _same(a: Any, b: Any) -> bool:
    """JSON equality: booleans are not numbers."""
    return a == b and (type(a) is bool) == (type(b) is bool)


def compile_schema(node: dict, chain: tuple = ()) -> Check:
    """The check of ``node``: (value, path) -> the first Failure or None."""
    chain = chain + (node,)
    checks: list[Check] = []
    for key, rule in node.items():
        if key.startswith('x-') or key in _IGNORED:
            continue
        checks.append(_keyword(key, rule, node, chain))

    def check(value: Any, path: tuple) -> Failure | None:
        for one in checks:
            failure = one(value, path)
            if failure is not None:
                return failure
        return None
    return check


def _fail(key: str, chain: tuple):
    def failure(value: Any, path: tuple) -> Failure:
        return (key, chain, value, path)
    return failure


def _keyword(key: str, rule: Any, node: dict, chain: tuple) -> Check:
    fail = _fail(key, chain)
    if key == 'type':
        tests = [_TYPES[t] for t in ([rule] if isinstance(rule, str)
                                     else rule)]
        return lambda v, p: None if any(t(v) for t in tests) else fail(v, p)
    if key == 'minimum':
        return lambda v, p: fail(v, p) if _number(v) and v < rule else None
    if key == 'maximum':
        return lambda v, p: fail(v, p) if _number(v) and v > rule else None
    if key in ('minLength', 'maxLength'):
        low = key == 'minLength'
        return lambda v, p: fail(v, p) if isinstance(v, str) and (
            len(v) < rule if low else len(v) > rule) else None
    if key in ('minItems', 'maxItems'):
        low = key == 'minItems'
        return lambda v, p: fail(v, p) if isinstance(v, list) and (
            len(v) < rule if low else len(v) > rule) else None
    if key == 'minProperties':
        return lambda v, p: fail(v, p) if isinstance(v, dict) and \
            len(v) < rule else None
    if key == 'pattern':
        search = re.compile(rule).search
        return lambda v, p: fail(v, p) if isinstance(v, str) and \
            not search(v) else None
    if key == 'enum':
        return lambda v, p: None if any(_same(v, e) for e in rule) \
            else fail(v, p)
    if key == 'const':
        return lambda v, p: None if _same(v, rule) else fail(v, p)
    if key == 'required':
        def required(v, p):
            if isinstance(v, dict):
                for name in rule:
                    if name not in v:
                        return fail(v, p)
            return None
        return required
    if key == 'properties':
        subs = [(name, compile_schema(sub, chain))
                for name, sub in rule.items()]

        def properties(v, p):
            if isinstance(v, dict):
                for name, sub in subs:
                    if name in v:
                        failure = sub(v[name], p + (name,))
                        if failure is not None:
                            return failure
            return None
        return properties
    if key == 'additionalProperties':
        known = set(node.get('properties', ()))
        if rule is True:
            return lambda v, p: None
        for_others = None if rule is False else compile_schema(rule, chain)

        def additional(v, p):
            if isinstance(v, dict):
                for name in v:
                    if name in known:
                        continue
                    if for_others is None:
                        return fail(v, p)
                    failure = for_others(v[name], p + (name,))
                    if failure is not None:
                        return failure
            return None
        return additional
    if key == 'items':
        sub = compile_schema(rule, chain)

        def items(v, p):
            if isinstance(v, list):
                for i, item in enumerate(v):
                    failure = sub(item, p + (i,))
                    if failure is not None:
                        return failure
            return None
        return items
    if key == 'anyOf':
        subs = [compile_schema(sub, chain) for sub in rule]
        return lambda v, p: None if any(s(v, p) is None for s in subs) \
            else fail(v, p)
    raise ValueError(f'schema keyword {key!r} is not supported here')
