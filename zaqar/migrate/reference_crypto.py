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

"""Open message bodies the reference sealed, so they can be re-sealed here.

On a queue with ``_enable_encrypt_messages`` the reference 23.x stores
each body as bytes: base64 of a 16-byte IV followed by AES-256-CBC
(PKCS#7 padding) of either the UTF-8 text (string bodies) or the pickle
of the body (every other JSON type). The AES key is the SHA-256 of
``[transport] message_encryption_key``, whose built-in default in the
reference is ``AES256``. Nothing but a migration uses that default: at run
time this service has no built-in key (``[transport]
message_encryption_key`` defaults to empty: see
doc/source/admin/migrate-reference.rst).

The reference's bodies are pickles, so they are read by an unpickler that
resolves no class or function at all: only the opcodes of plain
dict/list/str/int/float/bool/None survive, which is every JSON body.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json

# Only through _PlainUnpickler, which resolves no global (see above).
import pickle  # nosec B403
from typing import Any

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

# The key the reference uses when its config sets none.
REFERENCE_DEFAULT_KEY = 'AES256'
_IV = 16
# First byte of every pickle of protocol 2 or later (the PROTO opcode).
_PICKLE_MARK = b'\x80'


class SealedBodyError(ValueError):
    """A stored body could not be opened with the old deployment's key."""


# find_class refuses everything: no callable can be reached from the data.
class _PlainUnpickler(pickle.Unpickler):  # nosec B301
    """Refuses every global: a JSON-shaped pickle needs none."""

    def find_class(self, module, name):
        raise pickle.UnpicklingError(
            f'{module}.{name} is not a JSON value')


def _plain(data: bytes) -> Any:
    if data[:1] == _PICKLE_MARK:
        try:
            value = _PlainUnpickler(io.BytesIO(data)).load()
            # Sets and bytes need no global either; JSON has neither.
            return json.loads(json.dumps(value))
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError,
                IndexError, KeyError, AttributeError) as exc:
            raise SealedBodyError(f'not a JSON pickle: {exc}') from None
    try:
        return data.decode('utf-8')
    except UnicodeDecodeError:
        raise SealedBodyError('neither a pickle nor UTF-8 text') from None


class ReferenceOpener:
    """Opens bodies sealed by a reference deployment with ``key``."""

    def __init__(self, key: str):
        self._key = hashlib.sha256(key.encode('utf-8')).digest()

    @classmethod
    def from_old_conf(cls, conf) -> ReferenceOpener:
        """The key the old config implies (its default when unset)."""
        return cls(conf.transport.message_encryption_key
                   or REFERENCE_DEFAULT_KEY)

    @staticmethod
    def is_sealed(body: Any) -> bool:
        """JSON has no bytes: only the reference's sealing stores them."""
        return isinstance(body, (bytes, bytearray))

    def open(self, body: bytes) -> Any:
        try:
            raw = base64.b64decode(bytes(body), validate=True)
        except (binascii.Error, ValueError):
            raise SealedBodyError('not base64') from None
        if len(raw) < 2 * _IV or len(raw) % _IV:
            raise SealedBodyError('not an AES-CBC payload')
        decryptor = Cipher(algorithms.AES(self._key),
                           modes.CBC(raw[:_IV])).decryptor()
        padded = decryptor.update(raw[_IV:]) + decryptor.finalize()
        unpadder = padding.PKCS7(algorithms.AES.block_size).unpadder()
        try:
            data = unpadder.update(padded) + unpadder.finalize()
        except ValueError:
            raise SealedBodyError('wrong key (bad padding)') from None
        return _plain(data)
