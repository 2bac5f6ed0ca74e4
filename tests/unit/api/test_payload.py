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

"""Request bodies: lazy parsing and its error wording."""

from __future__ import annotations

import unittest

from zaqar.api.payload import Payload
from zaqar.common import errors


class PayloadTest(unittest.TestCase):
    def test_absent_body(self):
        payload = Payload(None)
        self.assertFalse(payload.present)
        self.assertEqual({}, payload.parse_optional({}))

    def test_empty_body_is_present_but_unparsable(self):
        payload = Payload(b'', size=0)
        self.assertTrue(payload.present)
        with self.assertRaises(errors.InvalidBody):
            payload.parse()

    def test_integers_beyond_64_bits_are_refused(self):
        with self.assertRaises(errors.InvalidBody) as ctx:
            Payload(b'{"a": 9223372036854775808}').parse()
        self.assertEqual('JSON contains integer that is too large.',
                         ctx.exception.description)
        self.assertEqual({'a': 9223372036854775807},
                         Payload(b'{"a": 9223372036854775807}').parse())

    def test_garbage(self):
        for raw in (b'{', b'\xff\xfe', b'nope'):
            with self.assertRaises(errors.InvalidBody):
                Payload(raw).parse()

    def test_deep_nesting_is_a_clear_error(self):
        with self.assertRaises(errors.InvalidBody):
            Payload(b'[' * 100000 + b']' * 100000).parse()

    def test_document_payload_has_a_size(self):
        payload = Payload.from_document({'messages': [{'body': 1}]})
        self.assertEqual(len('{"messages": [{"body": 1}]}'), payload.size)
