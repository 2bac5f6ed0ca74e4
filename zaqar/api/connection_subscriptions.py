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

"""Subscriptions a live connection holds (WebSocket push), as operations.

They last as long as the connection, so storage never sees them; the
connection passes itself as ``connection`` (a ``Holder``). Going through
``actions.dispatch`` gives them the name checks, policy rules, error
mapping and lifecycle events of stored subscriptions, and the ttl and
options rules come from ``zaqar.api.subscriptions``.
"""

from __future__ import annotations

from typing import Protocol

from zaqar.api import subscriptions
from zaqar.api.payload import Payload
from zaqar.common import errors
from zaqar.storage import errors as storage_errors

# Push subscriptions one connection may hold (each is fanned out to).
MAX_PER_CONNECTION = 100


class Holder(Protocol):
    """What a connection offers; every method may block (runs in a thread)."""

    def count(self) -> int:
        """Subscriptions the connection holds."""

    def subscribe(self, ctx, queue: str, ttl: int, options: dict) -> str:
        """Start pushing ``queue`` to the connection; the new id."""

    def find(self, project: str, queue: str,
             subscription_id: str) -> dict | None:
        """The subscription's document, if the connection holds it."""

    def listed(self, project: str, queue: str) -> list[dict]:
        """Documents of the connection's subscriptions to ``queue``."""

    def unsubscribe(self, project: str, queue: str,
                    subscription_id: str) -> bool:
        """Stop one; False when the connection does not hold it."""

    def subscriber(self, subscription_id: str) -> str:
        """The subscriber URI the subscription shows."""


def connection_subscription_create(svc, ctx, queue_name: str,
                                   payload: Payload,
                                   connection: Holder
                                   ) -> subscriptions.Created:
    document = subscriptions.checked_document(payload)
    ttl = subscriptions.checked_ttl(document.get('ttl'), svc)
    options = subscriptions.checked_options(document.get('options', {}))
    if connection.count() >= MAX_PER_CONNECTION:
        raise errors.ConnectionSubscriptionsFull(maximum=MAX_PER_CONNECTION)
    return subscriptions.Created(
        connection.subscribe(ctx, queue_name, ttl, options), None)


def connection_subscription_get(svc, ctx, queue_name: str,
                                subscription_id: str,
                                connection: Holder) -> dict:
    """Raises SubscriptionDoesNotExist (a 404) when not held."""
    found = connection.find(ctx.project_id, queue_name, subscription_id)
    if found is None:
        raise storage_errors.SubscriptionDoesNotExist(subscription_id)
    return found


def connection_subscription_list(svc, ctx, queue_name: str,
                                 connection: Holder) -> list[dict]:
    return connection.listed(ctx.project_id, queue_name)


def connection_subscription_delete(svc, ctx, queue_name: str,
                                   subscription_id: str,
                                   connection: Holder) -> bool:
    """Whether the connection held it (deleting nothing is no error)."""
    return connection.unsubscribe(ctx.project_id, queue_name,
                                  subscription_id)
