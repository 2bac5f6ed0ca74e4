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

"""Subscriber schemes: one registry entry per URI scheme, by entry point.

Each entry point of ``zaqar.notification.subscribers`` names a URI scheme
and points at a ``Scheme``: how to check a subscriber URI of it, how to
deliver to it, whether it confirms before receiving messages (with
``[notification] require_confirmation``) and whether creating it takes a
Keystone trust. A new scheme is one module plus one entry point (see
doc/source/contributor/plugins.rst); operators then allow it in
``[transport] subscriber_types``.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from urllib.parse import SplitResult, urlsplit

from stevedore import extension

from zaqar.notification import destinations, outcome

NAMESPACE = 'zaqar.notification.subscribers'


@dataclasses.dataclass(frozen=True)
class Send:
    """Everything a scheme may need to make one delivery."""

    conf: object
    subscriber: str
    #: 'message', 'confirm' or 'unsubscribe' (zaqar.storage.base DELIVERY_*).
    kind: str
    #: The storage project of the subscription (zaqar.storage.scope).
    project: str
    document: dict
    options: dict
    secret: str | None
    trust_id: str | None
    delivery_id: str
    subscription_id: str
    timeout: float
    #: Destinations the operator allows despite the address checks.
    allowlist: destinations.Allowlist = destinations.Allowlist()
    #: W3C traceparent of the post that caused it (tracing on), else None.
    traceparent: str | None = None


def _any_host(parts: SplitResult) -> str | None:
    return None if parts.hostname else 'The subscriber URL needs a host.'


def _itself(subscriber: str) -> str:
    return subscriber


@dataclasses.dataclass(frozen=True)
class Scheme:
    """One kind of subscriber."""

    deliver: Callable[[Send], outcome.Outcome]
    #: The refusal message for a subscriber URI, or None when it is fine.
    validate: Callable[[SplitResult], str | None] = _any_host
    confirmable: bool = False
    needs_trust: bool = False
    #: The address the destination guard (zaqar.notification.destinations)
    #: checks when subscribing: the URI itself, or the http(s) URL a
    #: scheme delivers to.
    destination: Callable[[str], str] = _itself


@functools.cache
def registry() -> dict[str, Scheme]:
    """{URI scheme: Scheme} of every installed entry point."""
    manager = extension.ExtensionManager(NAMESPACE, invoke_on_load=False)
    return {ext.name: ext.plugin for ext in manager}


def scheme_of(subscriber: str) -> str:
    return urlsplit(subscriber).scheme.lower()


def lookup(subscriber: str) -> Scheme | None:
    """The registry entry of ``subscriber``'s scheme (None: unknown)."""
    return registry().get(scheme_of(subscriber))
