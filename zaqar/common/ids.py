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

"""Random UUID4 strings, cheaply: the ids of messages, claims and requests.

``str(uuid.uuid4())`` makes a ``getrandom`` system call and a UUID object
per id, and a batch post makes one id per message. These ids are the same
122 random bits from the same kernel generator (``os.urandom``), read 4 KiB
at a time into a per-thread buffer and formatted as text directly. A
forked child starts with fresh buffers, so it never repeats its parent's
ids.
"""

from __future__ import annotations

import os
import threading

# Random bytes read at once: 256 ids per system call.
_CHUNK = 4096
# One id's worth of hex digits.
_DIGITS = 32
# The variant nibble (RFC 9562 "10xx") for each value of its two low bits.
_VARIANT = '89ab89ab89ab89ab'

_local = threading.local()


def _reset_after_fork() -> None:
    global _local
    _local = threading.local()


os.register_at_fork(after_in_child=_reset_after_fork)


def uuid4() -> str:
    """A random (version 4) UUID in its canonical 36-character form."""
    state = _local
    digits = getattr(state, 'digits', '')
    at = getattr(state, 'at', 0)
    if at + _DIGITS > len(digits):
        digits = state.digits = os.urandom(_CHUNK).hex()
        at = 0
    state.at = at + _DIGITS
    h = digits[at:at + _DIGITS]
    return (f'{h[:8]}-{h[8:12]}-4{h[13:16]}-'
            f'{_VARIANT[int(h[16], 16)]}{h[17:20]}-{h[20:]}')
