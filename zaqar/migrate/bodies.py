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

"""What a copied message's body becomes in this service's store.

A body the reference sealed is opened with the old deployment's key; on a
queue with ``_enable_encrypt_messages`` every body is then sealed with
this service's ``[transport] message_encryption_key``, as the API would
have sealed it. When this service has no key, bodies are stored plain and
the flag is dropped from the copied queue's metadata: kept, it would make
every post to the queue fail for want of a key.
"""

from __future__ import annotations

from zaqar.api import crypto
from zaqar.api import messages as api_messages
from zaqar.migrate import records, reference_crypto

ENCRYPT_FLAG = '_enable_encrypt_messages'


class Bodies:
    """Old-key opener plus this service's cipher (``None``: plain)."""

    def __init__(self, opener: reference_crypto.ReferenceOpener,
                 cipher: crypto.MessageCipher | None):
        self.opener = opener
        self.cipher = cipher

    def queue_metadata(self, metadata: dict) -> tuple[dict, str | None]:
        """The metadata to store, and a warning when it had to change."""
        if not metadata.get(ENCRYPT_FLAG) or self.cipher is not None:
            return metadata, None
        kept = {k: v for k, v in metadata.items() if k != ENCRYPT_FLAG}
        return kept, (f'{ENCRYPT_FLAG} dropped: no message_encryption_key '
                      f'is configured here, its messages are stored plain')

    def post_item(self, message: records.Message, encrypted: bool) -> dict:
        """The storage post item; raises SealedBodyError (old key wrong)."""
        body, checksum = message.body, message.checksum
        if self.opener.is_sealed(body):
            body = self.opener.open(body)
            if checksum:
                # The reference summed the ciphertext; this service sums
                # the body a client posted.
                checksum = api_messages.body_checksum(body)
        if encrypted and self.cipher is not None:
            body = self.cipher.seal(body)
        item = {'body': body, 'ttl': message.ttl, 'delay': message.hold}
        if checksum:
            item['checksum'] = checksum
        return item
