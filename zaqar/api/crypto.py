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

"""Bodies of queues with _enable_encrypt_messages, sealed with AES-256-GCM."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# Marks a stored body as ciphertext; never produced by a client's JSON
# because the API seals every body of an encrypted queue.
SEALED_KEY = '__zaqar_sealed__'


class MessageCipher:
    """Seals/opens message bodies with a key the operator configured."""

    def __init__(self, key: bytes):
        self._aead = AESGCM(hashlib.sha256(key).digest())

    @classmethod
    def from_conf(cls, conf) -> 'MessageCipher | None':
        key = conf.transport.message_encryption_key
        return cls(key.encode()) if key else None

    def seal(self, body: Any) -> dict:
        nonce = os.urandom(12)
        data = self._aead.encrypt(nonce, json.dumps(body).encode(), None)
        return {SEALED_KEY: base64.b64encode(nonce + data).decode()}

    def open(self, stored: Any) -> Any:
        if not (isinstance(stored, dict) and len(stored) == 1
                and SEALED_KEY in stored):
            return stored
        raw = base64.b64decode(stored[SEALED_KEY])
        return json.loads(self._aead.decrypt(raw[:12], raw[12:], None))
