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

"""Where oslo.messaging addresses live: one Zaqar queue name per address.

The mapping (documented in doc/source/agent.rst) is shared by the driver
and by ``zaqar-agent provision``, which must sign exactly these names:

=====================  ==========================================
address                queue
=====================  ==========================================
RPC topic              ``om-t.<exchange>.<topic>``
RPC server             ``om-s.<exchange>.<topic>.<server>``
RPC fanout             ``om-f.<exchange>.<topic>``
RPC replies            ``om-r.<client>``
notification           ``om-n.<exchange>.<topic>.<priority>``
notification pool      ``om-n.<exchange>.<topic>.<priority>.<pool>``
pool registry          ``om-p.<exchange>.<topic>.<priority>``
=====================  ==========================================

A queue name allows 64 characters of ``[A-Za-z0-9_.-]``; a longer name, or
one with other characters, keeps a readable prefix and ends with a hash of
the full address so both sides still compute the same, distinct name.
"""

from __future__ import annotations

import hashlib
import re

# What the server accepts in a queue name, and how long it may be.
_VALID = re.compile(r'^[A-Za-z0-9_.\-]+$')
_INVALID_CHAR = re.compile(r'[^A-Za-z0-9_.\-]')
MAX_LENGTH = 64
# Hex digits of the hash that ends a shortened name.
_HASH_DIGITS = 12


def _name(kind: str, *parts: str) -> str:
    full = '.'.join((f'om-{kind}',) + tuple(parts))
    if len(full) <= MAX_LENGTH and _VALID.match(full):
        return full
    digest = hashlib.sha256(full.encode('utf-8')).hexdigest()[:_HASH_DIGITS]
    readable = _INVALID_CHAR.sub('_', full)[:MAX_LENGTH - _HASH_DIGITS - 1]
    return f'{readable}-{digest}'


def topic_queue(exchange: str, topic: str) -> str:
    """Requests any server of ``topic`` may take (competing consumers)."""
    return _name('t', exchange, topic)


def server_queue(exchange: str, topic: str, server: str) -> str:
    """Requests for one named server of ``topic``."""
    return _name('s', exchange, topic, server)


def fanout_queue(exchange: str, topic: str) -> str:
    """Fanout requests: every server reads them by marker, none claims."""
    return _name('f', exchange, topic)


def reply_queue(client: str) -> str:
    """Replies for one RPC client (a driver instance or a guest)."""
    return _name('r', client)


def notification_queue(exchange: str, topic: str,
                       pool: str | None = None) -> str:
    """Notifications of ``topic`` (``<topic>.<priority>``, as notifiers
    address them): the default pool's copy, or ``pool``'s."""
    if pool:
        return _name('n', exchange, topic, pool)
    return _name('n', exchange, topic)


def pool_registry_queue(exchange: str, topic: str) -> str:
    """Where listener pools of ``topic`` announce themselves to notifiers."""
    return _name('p', exchange, topic)
