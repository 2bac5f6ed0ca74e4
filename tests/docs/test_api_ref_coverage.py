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

"""The API reference documents every route the OpenAPI document knows."""

from __future__ import annotations

import os
import re
import unittest

from zaqar.transport.wsgi.controllers.v2 import openapi

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
SOURCE = os.path.join(ROOT, 'api-ref', 'source')
_METHOD = re.compile(r'^\.\. rest_method:: (\w+) (\S+)$', re.MULTILINE)


def documented() -> set[tuple[str, str]]:
    found = set()
    for name in os.listdir(SOURCE):
        if name.endswith('.inc'):
            with open(os.path.join(SOURCE, name)) as f:
                for method, path in _METHOD.findall(f.read()):
                    found.add((method.lower(), openapi.normalise(path)))
    return found


class ApiRefCoverageTest(unittest.TestCase):

    def test_every_operation_has_a_section(self):
        found = documented()
        for op in openapi.OPERATIONS:
            if op.path == openapi.PATH:
                continue  # described in the conventions section
            route = (op.method, openapi.normalise(op.path))
            self.assertIn(route, found, op.operation_id)

    def test_every_section_is_a_known_operation(self):
        known = {(op.method, openapi.normalise(op.path))
                 for op in openapi.OPERATIONS} | {('get', '/')}
        for route in documented():
            self.assertIn(route, known)
