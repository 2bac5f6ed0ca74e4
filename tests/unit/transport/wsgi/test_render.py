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

"""render.response: the exact status line, header list and body."""

from __future__ import annotations

import testtools

from zaqar.transport.wsgi import render

JSON = ('Content-Type', 'application/json')


class ResponseTest(testtools.TestCase):

    def check(self, expected_status, expected_headers, expected_body,
              *args, **kwargs):
        resp = render.response(*args, **kwargs)
        self.assertEqual(expected_status, resp.status)
        self.assertEqual(expected_headers, resp.headerlist)
        self.assertEqual(expected_body, resp.body)

    def test_json_body_with_location(self):
        self.check('201 Created',
                   [JSON, ('Content-Length', '8'), ('Location', '/x')],
                   b'{"a": 1}', 201, {'a': 1}, {'Location': '/x'})

    def test_no_body_statuses(self):
        self.check('204 No Content', [], b'', 204)
        self.check('204 No Content', [('Location', '/q')], b'', 204,
                   headers={'Location': '/q'})
        self.check('406 Not Acceptable', [('Content-Length', '0')], b'',
                   406, None, {})

    def test_a_header_given_again_replaces_the_computed_one(self):
        self.check('400 Bad Request',
                   [('Content-Length', '8'), ('Content-Type', 'text/plain')],
                   b'{"t": 1}', 400, {'t': 1},
                   {'Content-Type': 'text/plain'})

    def test_other_content_types_carry_no_charset(self):
        self.check('200 OK', [('Content-Type', 'application/json-home'),
                              ('Content-Length', '2')],
                   b'{}', 200, {}, content_type='application/json-home')
