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

"""Fixed wordings live on error classes, not at raise sites.

No API error under zaqar/api or zaqar/transport is built with literal
text (a string or f-string as description, title or ``what``): the
wording is a ``zaqar.common.errors.Worded`` subclass and the raise site
passes data.
"""

from __future__ import annotations

import ast
import pathlib
import unittest

from zaqar.common import errors

ROOT = pathlib.Path(__file__).resolve().parents[3]
_TEXT_ARGS = ('description', 'title', 'what')


def _literal(node) -> bool:
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str))


def literal_raise_sites() -> list[str]:
    found = []
    for package in ('zaqar/api', 'zaqar/transport'):
        for path in sorted((ROOT / package).rglob('*.py')):
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Call)
                        and isinstance(node.func, ast.Attribute)
                        and isinstance(node.func.value, ast.Name)
                        and node.func.value.id == 'errors'):
                    continue
                values = list(node.args) + [k.value for k in node.keywords
                                            if k.arg in _TEXT_ARGS]
                if any(_literal(v) for v in values):
                    rel = path.relative_to(ROOT).as_posix()
                    found.append(f'{rel}:{node.lineno}')
    return found


class ErrorWordingsTest(unittest.TestCase):

    def test_no_raise_site_carries_its_own_text(self):
        self.assertEqual([], literal_raise_sites())

    def test_every_worded_error_formats(self):
        for name in dir(errors):
            cls = getattr(errors, name)
            if not (isinstance(cls, type) and issubclass(cls, errors.Worded)
                    and cls is not errors.Worded):
                continue
            with self.subTest(error=name):
                fields = {key: 'x' for key in (
                    'field', 'minimum', 'maximum', 'kind', 'path', 'op',
                    'key', 'ids', 'queue', 'project', 'per_queue',
                    'configured', 'media_type', 'why', 'uri', 'keys',
                    'paths', 'methods', 'signable', 'allowed', 'scheme',
                    'id', 'name', 'verb', 'error', 'topic', 'what', 'value',
                    'found')}
                error = cls(**fields)
                self.assertTrue(error.description or error.title)
                self.assertLess(error.status, 600)
                self.assertGreaterEqual(error.status, 400)

    def test_a_missing_field_is_named(self):
        with self.assertRaisesRegex(KeyError, 'maximum'):
            errors.PageLimit()

    def test_wordings_clients_match(self):
        self.assertEqual(
            'Limit must be at least 1 and may not be greater than 20.',
            errors.PageLimit(maximum=20).description)
        self.assertEqual(
            {'title': 'Invalid queue identification',
             'description': 'The format of the submitted queue name or '
                            'project id is not valid.'},
            errors.InvalidName(kind='queue').to_dict())
        self.assertEqual(
            'The value of the "ttl" field must be a int.',
            errors.FieldNotInt(field='ttl').description)
