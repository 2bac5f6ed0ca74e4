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

"""Frames to documents: JSON text, MessagePack binary, and what is refused."""

from __future__ import annotations

import json
import unittest

import msgpack

from zaqar.transport.websocket import codec


class CodecTest(unittest.TestCase):

    def test_text_is_json_and_binary_is_messagepack(self):
        doc = {'action': 'a', 'body': {'n': [1, 2.5, None, True, 'x']}}
        self.assertEqual(doc, codec.decode(json.dumps(doc)))
        self.assertEqual(doc, codec.decode(msgpack.packb(doc)))
        self.assertEqual(doc, json.loads(codec.encode(doc, False)))
        self.assertEqual(doc, msgpack.unpackb(codec.encode(doc, True)))
        self.assertIsInstance(codec.encode(doc, False), str)
        self.assertIsInstance(codec.encode(doc, True), bytes)

    def test_undecodable_frames_name_the_format_and_the_error(self):
        with self.assertRaises(codec.DecodeError) as caught:
            codec.decode('{')
        self.assertTrue(str(caught.exception).startswith(
            "Can't decode text (JSON) request. JSONDecodeError: "))
        with self.assertRaises(codec.DecodeError) as caught:
            codec.decode(b'\xc1')
        self.assertTrue(str(caught.exception).startswith(
            "Can't decode binary (MessagePack) request. "))

    def test_values_storage_cannot_hold_are_refused(self):
        refused = [
            '{"n": 9223372036854775808}', '{"n": NaN}', '[Infinity]',
            msgpack.packb({'b': b'bytes'}), msgpack.packb({1: 'int key'}),
            msgpack.packb([2 ** 64 - 1]), msgpack.packb(float('nan')),
            msgpack.packb(msgpack.ExtType(5, b'x')),
        ]
        for frame in refused:
            with self.subTest(frame=frame):
                self.assertRaises(codec.DecodeError, codec.decode, frame)

    def test_64_bit_integers_are_fine(self):
        for value in (2 ** 63 - 1, -2 ** 63):
            self.assertEqual([value], codec.decode(json.dumps([value])))
            self.assertEqual([value], codec.decode(msgpack.packb([value])))

    def test_deep_nesting_is_a_decode_error_not_a_crash(self):
        self.assertRaises(codec.DecodeError, codec.decode,
                          '[' * 100000 + ']' * 100000)
