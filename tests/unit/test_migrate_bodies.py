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

"""Opening reference-sealed bodies and re-sealing them (zaqar.migrate).

The sealing below follows the reference's stored format as
reference_crypto's docstring describes it; tests/dropin checks the same
against bodies the real reference server wrote.
"""

from __future__ import annotations

import base64
import hashlib
import os
import pickle  # nosec B403
import unittest

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from zaqar.api import crypto
from zaqar.migrate import bodies, records, reference_crypto


def reference_seal(body, key: str = 'AES256') -> bytes:
    data = (body.encode() if isinstance(body, str)
            else pickle.dumps(body))
    padder = padding.PKCS7(128).padder()
    padded = padder.update(data) + padder.finalize()
    iv = os.urandom(16)
    encryptor = Cipher(algorithms.AES(hashlib.sha256(key.encode()).digest()),
                       modes.CBC(iv)).encryptor()
    return base64.b64encode(iv + encryptor.update(padded)
                            + encryptor.finalize())


def _message(body, checksum=None) -> records.Message:
    return records.Message(id='m1', body=body, ttl=60, checksum=checksum)


class ReferenceOpenerTest(unittest.TestCase):

    def test_every_json_shape_opens_with_the_default_key(self):
        opener = reference_crypto.ReferenceOpener(
            reference_crypto.REFERENCE_DEFAULT_KEY)
        for body in ('text é', {'a': [1, 2.5, None, True]}, [1], 7, None):
            self.assertEqual(body, opener.open(reference_seal(body)))

    def test_a_wrong_key_is_refused(self):
        opener = reference_crypto.ReferenceOpener('other')
        with self.assertRaises(reference_crypto.SealedBodyError):
            opener.open(reference_seal({'n': 1}))

    def test_a_pickle_naming_a_global_is_refused(self):
        opener = reference_crypto.ReferenceOpener('k')
        with self.assertRaises(reference_crypto.SealedBodyError):
            opener.open(reference_seal(os.getcwd, key='k'))

    def test_a_pickle_of_a_non_json_value_is_refused(self):
        opener = reference_crypto.ReferenceOpener('k')
        for value in ({1, 2}, b'raw'):
            with self.assertRaises(reference_crypto.SealedBodyError):
                opener.open(reference_seal(value, key='k'))

    def test_not_base64_is_refused(self):
        opener = reference_crypto.ReferenceOpener('k')
        with self.assertRaises(reference_crypto.SealedBodyError):
            opener.open(b'***')


class BodiesTest(unittest.TestCase):

    def setUp(self):
        super().setUp()
        self.opener = reference_crypto.ReferenceOpener('old')
        self.cipher = crypto.MessageCipher(b'new')

    def test_sealed_body_is_resealed_with_the_new_key(self):
        item = bodies.Bodies(self.opener, self.cipher).post_item(
            _message(reference_seal({'n': 1}, 'old'), 'MD5:stale'), True)
        self.assertEqual({'n': 1}, self.cipher.open(item['body']))
        self.assertNotEqual({'n': 1}, item['body'])
        self.assertEqual('MD5:' + hashlib.md5(b'{"n": 1}').hexdigest(),
                         item['checksum'])

    def test_plain_body_on_an_encrypting_queue_is_sealed_too(self):
        item = bodies.Bodies(self.opener, self.cipher).post_item(
            _message('plain'), True)
        self.assertEqual('plain', self.cipher.open(item['body']))

    def test_without_a_new_key_bodies_and_metadata_go_plain(self):
        plain = bodies.Bodies(self.opener, None)
        item = plain.post_item(_message(reference_seal([1], 'old')), True)
        self.assertEqual([1], item['body'])
        metadata, warning = plain.queue_metadata(
            {'_enable_encrypt_messages': True, 'color': 'red'})
        self.assertEqual({'color': 'red'}, metadata)
        self.assertIn('_enable_encrypt_messages', warning)

    def test_with_a_new_key_the_flag_stays(self):
        metadata, warning = bodies.Bodies(self.opener, self.cipher) \
            .queue_metadata({'_enable_encrypt_messages': True})
        self.assertEqual({'_enable_encrypt_messages': True}, metadata)
        self.assertIsNone(warning)
