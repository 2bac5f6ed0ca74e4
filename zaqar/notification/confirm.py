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

"""Confirmation requests: a pre-signed confirm URL sent to the subscriber.

With ``[notification] require_confirmation = true`` a new (or re-posted,
still unconfirmed) ``http(s)``/``mailto`` subscription is sent a
``SubscriptionConfirmation``, and ``PUT .../confirm {"confirmed": false}``
an ``UnsubscribeConfirmation``. The document carries a signed URL (see
``zaqar.common.signing``) that lets the subscriber ``PUT`` the confirm
resource without credentials, valid for the subscription's ttl. The request
goes through the outbox like any delivery, so it is retried and survives
restarts. Without a signing key nothing is sent (and a warning logged).
``trust+`` subscribers are vouched for by their Keystone trust and need no
confirmation.
"""

from __future__ import annotations

import datetime
import logging

from zaqar.notification import subscribers
from zaqar.storage import base as storage_base
from zaqar.storage import models, scope

LOG = logging.getLogger(__name__)

def required(conf, subscriber: str) -> bool:
    """Whether deliveries to ``subscriber`` wait for its confirmation
    (schemes say whether they confirm: ``zaqar.notification.subscribers``)."""
    if not conf.notification.require_confirmation:
        return False
    scheme = subscribers.lookup(subscriber)
    return scheme is not None and scheme.confirmable


def confirm_path(queue: str, subscription_id: str,
                 collection: str = 'queues') -> str:
    return (f'/v2/{collection}/{queue}/subscriptions/{subscription_id}'
            '/confirm')


def _signing_key(conf) -> str | None:
    from zaqar.common import signing_key
    try:
        return signing_key.resolve(conf)
    except signing_key.KeyConfigError as exc:
        LOG.warning('No confirmation request sent: %s', exc)
        return None


def document(key: str, project: str, sub: models.Subscription,
             unsubscribe: bool, now: datetime.datetime | None = None, *,
             source_kind: str = scope.QUEUE) -> dict:
    """The confirmation request for ``sub`` (what an http subscriber gets);
    ``source_kind``: whether ``sub.source`` names a queue or a topic."""
    from zaqar.common import signing
    now = now or signing.utcnow()
    path = confirm_path(sub.source, sub.id, scope.collection(source_kind))
    signed = signing.sign(key, [path], ['PUT'], project,
                          now + datetime.timedelta(seconds=sub.ttl))
    if unsubscribe:
        kind = 'UnsubscribeConfirmation'
        text = (f'You have unsubscribed successfully to the queue: '
                f'{sub.source}, you can resubscribe it by using confirmed=True.')
    else:
        kind = 'SubscriptionConfirmation'
        text = (f'You have chosen to subscribe to the queue: {sub.source}')
    return {
        'Message_Type': kind,
        'Message': text,
        'URL-Signature': signed.signature,
        'URL-Methods': 'PUT',
        'URL-Paths': path,
        'X-Project-ID': project,
        'URL-Expires': signed.expires,
        'SubscribeBody': {'confirmed': True},
        'UnsubscribeBody': {'confirmed': False},
        f'{source_kind}_name': sub.source,
        'subscription_id': sub.id,
    }


def request(svc, ctx, sub: models.Subscription, *,
            unsubscribe: bool = False) -> str | None:
    """Enqueue a (un)subscribe confirmation when the deployment wants one.

    :returns: the delivery id, or None when nothing was sent.
    """
    if not required(svc.conf, sub.subscriber):
        return None
    key = getattr(svc, 'signing_key', None) or _signing_key(svc.conf)
    if not key:
        LOG.warning('Subscription %s needs confirmation but signed URLs are '
                    'off ([signed_url] secret_key): no request sent.', sub.id)
        return None
    kind = (storage_base.DELIVERY_UNSUBSCRIBE if unsubscribe
            else storage_base.DELIVERY_CONFIRM)
    source_kind = scope.of(ctx)
    return svc.outbox.enqueue(
        sub.source, sub.id, kind,
        document(key, ctx.project_id, sub, unsubscribe,
                 source_kind=source_kind),
        project=ctx.project_id, scope=source_kind)
