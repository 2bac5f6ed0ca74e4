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

"""Subscription operations: create, list, get, update, delete, confirm.

Beyond the reference API: every subscription has a webhook signing secret,
returned once by the create that made it and replaced (and returned) by an
update with ``{"rotate_secret": true}``; and ``get`` shows the deliveries
that exhausted their retries (``failed``, ``last_error``,
``last_failure_at``).
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import logging
import secrets
import time
from typing import Any
from urllib.parse import urlsplit

from zaqar.api import validation
from zaqar.api.payload import Payload
from zaqar.common import errors
from zaqar.notification import confirm, destinations, retry, subscribers
from zaqar.notification.tasks import trust
from zaqar.schemas import subscriptions as schemas
from zaqar.storage import base as storage_base
from zaqar.storage import errors as storage_errors
from zaqar.storage import models
from zaqar.storage import scope as scopes

LOG = logging.getLogger(__name__)

# Latest expiry a subscription may have (the reference's datetime bound).
_MAX_EXPIRY = datetime.datetime.max.replace(
    tzinfo=datetime.UTC).timestamp()
# Largest ttl every store keeps (a signed 32-bit column in SQL).
MAX_TTL = 2 ** 31 - 1
# Bytes of randomness in a webhook signing secret.
_SECRET_BYTES = 32
# Longest subscriber URI: a browser's practical URL limit.
MAX_SUBSCRIBER_LENGTH = schemas.MAX_SUBSCRIBER_LENGTH
# Largest subscription ``options`` document, in bytes of JSON.
MAX_OPTIONS_SIZE = 65536



@dataclasses.dataclass(frozen=True)
class Created:
    """What a create answers: the id, and the secret if it made one."""

    subscription_id: str
    secret: str | None


def new_secret() -> str:
    return secrets.token_urlsafe(_SECRET_BYTES)


def scheme(subscriber: str) -> str:
    return urlsplit(subscriber).scheme.lower()


# -- validation ---------------------------------------------------------------

def _subscriber(value: str, svc) -> str:
    """What the body schema cannot say of a subscriber (its scheme and
    length are checked with the body: zaqar.schemas.subscriptions)."""
    kind = subscribers.lookup(value)
    if kind is None:
        raise errors.SubscriberScheme(scheme=scheme(value))
    refusal = kind.validate(urlsplit(value))
    if refusal is not None:
        raise errors.BadRequest(refusal)
    try:
        destinations.check_subscriber(kind.destination(value),
                                      svc.destination_allowlist)
    except destinations.DestinationRefused as exc:
        raise errors.SubscriberDestination(why=exc)
    return value


def _ttl(value: Any, svc) -> int | None:
    """A ttl to store; None (0 or null) means "the default"."""
    validation.check(schemas.TTL, value, 'ttl')
    if not value:
        return None
    if time.time() + value >= _MAX_EXPIRY:
        raise errors.SubscriptionExpiry()
    # Longer than any store keeps (Heat's OS::Zaqar::Subscription asks for
    # 220367260800 s, "forever", by default): kept as the longest ttl we
    # store, about 68 years, which outlives any real deployment.
    return min(value, MAX_TTL)


def _options(value: Any) -> dict:
    # null is "no options": Heat's OS::Zaqar::Subscription sends it when a
    # template leaves options out.
    validation.check(schemas.OPTIONS, value, 'options')
    if value is None:
        return {}
    if len(json.dumps(value)) > MAX_OPTIONS_SIZE:
        raise errors.OptionsTooLarge(maximum=MAX_OPTIONS_SIZE)
    try:
        retry.validate(value.get('_retry_policy'))
    except ValueError as exc:
        raise errors.BadRequest(str(exc))
    headers = value.get('post_headers')
    if headers is not None and (not isinstance(headers, dict) or not all(
            isinstance(v, str) for v in headers.values())):
        raise errors.OptionsPostHeaders()
    for key in ('from', 'subject'):
        if key in value and not isinstance(value[key], str):
            raise errors.OptionNotString(field=key)
    return value


def _document(payload: Payload, schema: dict, **data) -> dict:
    """The body ({} when absent), checked against ``schema``."""
    return validation.check(schema, payload.parse_optional(default={}),
                            **data)


# -- operations ---------------------------------------------------------------

def subscription_create(svc, ctx, queue_name: str,
                        payload: Payload) -> Created:
    """Subscribe; an unconfirmed existing subscriber gets its id back."""
    document = _document(payload, schemas.create(svc.limits))
    subscriber = _subscriber(document['subscriber'], svc)
    ttl = _ttl(document.get('ttl'), svc) or svc.limits.default_subscription_ttl
    options = _options(document.get('options', {}))
    project, kind = ctx.project_id, scopes.of(ctx)
    trust_id = None
    if subscribers.lookup(subscriber).needs_trust:
        trust_id = trust.create_trust(svc.conf, ctx, ttl)
    svc.queues.create(queue_name, project=project, scope=kind, metadata={})
    for _ in range(3):
        try:
            sub_id = svc.subscriptions.create(queue_name, subscriber, ttl,
                                              options, project=project, scope=kind)
        except storage_errors.SubscriptionAlreadyExists:
            existing = svc.subscriptions.get_with_subscriber(
                queue_name, subscriber, project=project, scope=kind)
            if existing is None:
                continue  # it expired or went meanwhile: try again
            if existing.confirmed:
                raise errors.SubscriptionExists(headers={
                    'Location': f'/v2/{scopes.collection(kind)}/{queue_name}'
                    f'/subscriptions'})
            confirm.request(svc, ctx, existing)
            return Created(existing.id, None)
        break
    else:
        raise errors.SubscriptionCreateRaced()
    secret = new_secret()
    try:
        if svc.outbox is not None:
            svc.outbox.set_secret(queue_name, sub_id, secret,
                                  project=project, scope=kind)
            if trust_id:
                svc.outbox.set_trust(queue_name, sub_id, trust_id,
                                     project=project, scope=kind)
    except storage_errors.StorageUnavailable:
        # Without its secret the subscription is no use: take it back.
        svc.subscriptions.delete(queue_name, sub_id, project=project, scope=kind)
        raise
    created = models.Subscription(sub_id, queue_name, subscriber, ttl, 0,
                                  options, False)
    confirm.request(svc, ctx, created)
    return Created(sub_id, secret if svc.outbox is not None else None)


def subscription_list(svc, ctx, queue_name: str, marker: str | None = None,
                      limit: int = 10
                      ) -> tuple[list[models.Subscription], str | None]:
    return svc.subscriptions.list(queue_name, project=ctx.project_id,
                                  scope=scopes.of(ctx),
                                  marker=marker, limit=limit)


def subscription_get(svc, ctx, queue_name: str, subscription_id: str
                     ) -> tuple[models.Subscription,
                                storage_base.SubscriberState | None]:
    """The subscription and its delivery record (None: no outbox)."""
    sub = svc.subscriptions.get(queue_name, subscription_id,
                                project=ctx.project_id,
                                scope=scopes.of(ctx))
    state = None
    if svc.outbox is not None:
        state = svc.outbox.state(queue_name, subscription_id,
                                 project=ctx.project_id,
                                 scope=scopes.of(ctx))
    return sub, state


def subscription_update(svc, ctx, queue_name: str, subscription_id: str,
                        payload: Payload) -> str | None:
    """Change fields; returns the new secret when one was asked for."""
    document = _document(payload, schemas.update(svc.limits),
                         id=subscription_id)
    # A null means "leave it": the reference's CLI sends every field, with
    # null for those not being changed (subscription update --ttl N).
    document = {key: value for key, value in document.items()
                if value is not None}
    changes: dict = {}
    if 'subscriber' in document:
        changes['subscriber'] = _subscriber(document['subscriber'], svc)
    if 'ttl' in document:
        changes['ttl'] = _ttl(document['ttl'], svc) or \
            svc.limits.default_subscription_ttl
    if 'options' in document:
        changes['options'] = _options(document['options'])
    rotate = document.get('rotate_secret', False)
    project, kind = ctx.project_id, scopes.of(ctx)
    # A subscriber taken by another subscription: a 409 (zaqar.api.failures).
    if changes:
        svc.subscriptions.update(queue_name, subscription_id,
                                 project=project, scope=kind, **changes)
    else:
        svc.subscriptions.get(queue_name, subscription_id, project=project,
                              scope=kind)
    if not rotate:
        return None
    secret = new_secret()
    svc.outbox.set_secret(queue_name, subscription_id, secret,
                          project=project, scope=kind)
    return secret


def subscription_delete(svc, ctx, queue_name: str,
                        subscription_id: str) -> None:
    """Idempotent; pending deliveries to it are dropped by the notifier."""
    svc.subscriptions.delete(queue_name, subscription_id,
                             project=ctx.project_id,
                             scope=scopes.of(ctx))


def subscription_confirm(svc, ctx, queue_name: str, subscription_id: str,
                         payload: Payload) -> None:
    confirmed = _document(payload, schemas.CONFIRM)['confirmed']
    project, kind = ctx.project_id, scopes.of(ctx)
    svc.subscriptions.confirm(queue_name, subscription_id, confirmed,
                              project=project, scope=kind)
    if not confirmed:
        sub = svc.subscriptions.get(queue_name, subscription_id,
                                    project=project, scope=kind)
        confirm.request(svc, ctx, sub, unsubscribe=True)


# -- the checks other subscription kinds share ----------------------------------

def checked_document(payload: Payload) -> dict:
    """The request body of a push subscription ({} when absent)."""
    return _document(payload, schemas.CONNECTION)


def checked_ttl(value: Any, svc) -> int:
    """The ttl to keep: the HTTP rules, the configured default if unset."""
    return _ttl(value, svc) or svc.limits.default_subscription_ttl


def checked_options(value: Any) -> dict:
    """Options checked as for a stored subscription."""
    return _options(value)
