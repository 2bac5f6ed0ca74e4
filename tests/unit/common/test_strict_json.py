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

"""The strict JSON reader: what it refuses and what it keeps."""

from __future__ import annotations

import unittest

from zaqar.common import strict_json


class StrictJSONTest(unittest.TestCase):

    def test_ordinary_documents_parse(self):
        self.assertEqual({'a': [1, 2.5, 'é', None, True, {'b': '😀'}]},
                         strict_json.loads(
                             b'{"a": [1, 2.5, "\\u00e9", null, true, '
                             b'{"b": "\\ud83d\\ude00"}]}'))

    def test_non_finite_and_out_of_range_numbers_are_refused(self):
        for raw in ('NaN', '[Infinity]', '{"a": -Infinity}', '1e400',
                    '-1e999', str(2 ** 63), str(-2 ** 63 - 1)):
            with self.subTest(raw=raw):
                self.assertRaises(strict_json.Refused, strict_json.loads, raw)
        self.assertEqual(2 ** 63 - 1, strict_json.loads(str(2 ** 63 - 1)))

    def test_nesting_is_bounded(self):
        ok = '[' * strict_json.MAX_DEPTH + ']' * strict_json.MAX_DEPTH
        strict_json.loads(ok)
        deeper = '[' + ok + ']'
        self.assertRaises(strict_json.Refused, strict_json.loads, deeper)
        huge = b'{"a":' * 100000 + b'1' + b'}' * 100000
        self.assertRaises(strict_json.Refused, strict_json.loads, huge)

    def test_wide_but_shallow_documents_pass(self):
        strict_json.loads('[' + ','.join(['[1]'] * 5000) + ']')

    def test_lone_surrogates_are_refused(self):
        for raw in (b'"\\ud800"', b'{"\\udc00": 1}', b'["x", "\\uDBFF"]'):
            with self.subTest(raw=raw):
                self.assertRaises(strict_json.Refused, strict_json.loads, raw)

    def test_not_json_is_a_value_error(self):
        for raw in (b'{', b'\xff', b'', b"{'a': 1}"):
            with self.subTest(raw=raw):
                self.assertRaises(ValueError, strict_json.loads, raw)
