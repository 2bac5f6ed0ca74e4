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

"""The ACTIONS registry every transport dispatches through."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any, Callable

from zaqar.api import (
    claims,
    connection_subscriptions,
    failures,
    flavors,
    health,
    messages,
    pools,
    queues,
    redrive,
    share,
    subscriptions,
    topics,
    validation,
)
from zaqar.schemas import requests
from zaqar.serving import parking

LOG = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Action:
    """One API operation: its function, policy rule and failure wording."""

    func: Callable
    rule: str
    # "<what failed>" for the 503 description when storage breaks.
    failure: str
    # True for actions only a live connection can ask for (WebSocket push
    # subscriptions): the transport passes the connection as the
    # ``connection`` parameter (a connection_subscriptions.Holder), and
    # no HTTP route serves them.
    needs_connection: bool = False
    # The action enqueues new messages (quotas and metrics count them;
    # a push transport delivers them at once).
    posts: bool = False
    # The action may make messages of ``queue_name`` claimable (a post,
    # a released claim, a delete in a FIFO group): long polls wake up.
    wakes_queue: bool = False
    # The quota resource one more of whose objects the action creates
    # ('queues', 'subscriptions'; zaqar.limits checks it first).
    creates: str | None = None
    # Metrics: the action claims messages (its result is a claim), or
    # deletes 'one' message or 'many' (by ``ids``, or a ``pop``).
    claims: bool = False
    deletes: str | None = None
    # What the action accepts, from the configured limits
    # (zaqar.schemas.requests): dispatch checks the query parameters, the
    # operation its body, and /v2/openapi.json documents both.
    request: Callable[[Any], requests.Request] | None = None

    @property
    def over_http(self) -> bool:
        """Whether an HTTP route may serve it."""
        return not self.needs_connection


ACTIONS: dict[str, Action] = {
    'queue_list': Action(queues.queue_list, 'queues:get_all',
                         'Queues could not be listed'),
    'queue_create': Action(queues.queue_create, 'queues:create',
                           'Queue could not be created', creates='queues'),
    'queue_get': Action(queues.queue_get, 'queues:get',
                        'Queue metadata could not be retrieved'),
    'queue_exists': Action(queues.queue_exists, 'queues:get',
                           'Queue could not be checked'),
    'queue_update': Action(queues.queue_patch, 'queues:update',
                           'Queue could not be updated'),
    'queue_delete': Action(queues.queue_delete, 'queues:delete',
                           'Queue could not be deleted'),
    'queue_get_stats': Action(queues.queue_stats, 'queues:stats',
                              'Queue stats could not be read'),
    'queue_purge': Action(queues.queue_purge, 'queues:purge',
                          'Queue could not be purged'),
    'queue_share': Action(share.queue_share, 'queues:share',
                          'Signed URL could not be created'),
    # Dead-letter redrive tasks (zaqar.api.redrive).
    'redrive_create': Action(redrive.redrive_create, 'redrive:create',
                             'Redrive could not be started'),
    'redrive_get': Action(redrive.redrive_get, 'redrive:get',
                          'Redrive task could not be read'),
    'redrive_cancel': Action(redrive.redrive_cancel, 'redrive:delete',
                             'Redrive task could not be cancelled'),
    'message_post': Action(messages.message_post, 'messages:create',
                           'Messages could not be enqueued', posts=True,
                           wakes_queue=True),
    'message_list': Action(messages.message_list, 'messages:get_all',
                           'Messages could not be listed'),
    'message_get_many': Action(messages.message_get_many, 'messages:get_all',
                               'Messages could not be retrieved'),
    'message_get': Action(messages.message_get, 'messages:get',
                          'Message could not be retrieved'),
    'message_delete': Action(messages.message_delete, 'messages:delete',
                             'Unable to delete', wakes_queue=True,
                             deletes='one'),
    'message_delete_many': Action(messages.message_delete_many,
                                  'messages:delete_all',
                                  'Messages could not be deleted',
                                  wakes_queue=True, deletes='many'),
    'claim_create': Action(claims.claim_create, 'claims:create',
                           'Claim could not be created', claims=True),
    'claim_get': Action(claims.claim_get, 'claims:get',
                        'Claim could not be queried'),
    'claim_update': Action(claims.claim_update, 'claims:update',
                           'Claim could not be updated'),
    'claim_delete': Action(claims.claim_delete, 'claims:delete',
                           'Claim could not be deleted', wakes_queue=True),
    'subscription_create': Action(subscriptions.subscription_create,
                                  'subscription:create',
                                  'Subscription could not be created',
                                  creates='subscriptions'),
    'subscription_list': Action(subscriptions.subscription_list,
                                'subscription:get_all',
                                'Subscriptions could not be listed'),
    'subscription_get': Action(subscriptions.subscription_get,
                               'subscription:get',
                               'Subscription could not be retrieved'),
    'subscription_update': Action(subscriptions.subscription_update,
                                  'subscription:update',
                                  'Subscription could not be updated'),
    'subscription_delete': Action(subscriptions.subscription_delete,
                                  'subscription:delete',
                                  'Subscription could not be deleted'),
    'subscription_confirm': Action(subscriptions.subscription_confirm,
                                   'subscription:confirm',
                                   'Subscription could not be confirmed'),
    # Subscriptions a live connection holds (WebSocket push): the rules of
    # stored subscriptions.
    'connection_subscription_create': Action(
        connection_subscriptions.connection_subscription_create,
        'subscription:create', 'Subscription could not be created',
        needs_connection=True),
    'connection_subscription_list': Action(
        connection_subscriptions.connection_subscription_list,
        'subscription:get_all', 'Subscriptions could not be listed',
        needs_connection=True),
    'connection_subscription_get': Action(
        connection_subscriptions.connection_subscription_get,
        'subscription:get', 'Subscription could not be retrieved',
        needs_connection=True),
    'connection_subscription_delete': Action(
        connection_subscriptions.connection_subscription_delete,
        'subscription:delete', 'Subscription could not be deleted',
        needs_connection=True),
    # Topics: fan-out targets (zaqar.api.topics); their messages and
    # subscriptions use the message and subscription rules.
    'topic_list': Action(topics.topic_list, 'topics:get_all',
                         'Topics could not be listed'),
    'topic_create': Action(topics.topic_create, 'topics:create',
                           'Topic could not be created'),
    'topic_get': Action(topics.topic_get, 'topics:get',
                        'Topic metadata could not be retrieved'),
    'topic_update': Action(topics.topic_patch, 'topics:update',
                           'Topic could not be updated'),
    'topic_delete': Action(topics.topic_delete, 'topics:delete',
                           'Topic could not be deleted'),
    'topic_get_stats': Action(topics.topic_stats, 'topics:stats',
                              'Topic stats could not be read'),
    'topic_purge': Action(topics.topic_purge, 'topics:purge',
                          'Topic could not be purged'),
    'topic_message_post': Action(topics.topic_message_post,
                                 'messages:create',
                                 'Messages could not be enqueued',
                                 posts=True),
    'topic_message_list': Action(topics.topic_message_list,
                                 'messages:get_all',
                                 'Messages could not be listed'),
    'topic_message_get': Action(topics.topic_message_get, 'messages:get',
                                'Message could not be retrieved'),
    'topic_message_delete': Action(topics.topic_message_delete,
                                   'messages:delete', 'Unable to delete',
                                   deletes='one'),
    'topic_subscription_create': Action(
        topics.topic_subscription_create, 'subscription:create',
        'Subscription could not be created'),
    'topic_subscription_list': Action(
        topics.topic_subscription_list, 'subscription:get_all',
        'Subscriptions could not be listed'),
    'topic_subscription_get': Action(
        topics.topic_subscription_get, 'subscription:get',
        'Subscription could not be retrieved'),
    'topic_subscription_update': Action(
        topics.topic_subscription_update, 'subscription:update',
        'Subscription could not be updated'),
    'topic_subscription_delete': Action(
        topics.topic_subscription_delete, 'subscription:delete',
        'Subscription could not be deleted'),
    'topic_subscription_confirm': Action(
        topics.topic_subscription_confirm, 'subscription:confirm',
        'Subscription could not be confirmed'),
    'ping': Action(health.ping, 'ping:get', 'Storage could not be reached'),
    'health': Action(health.health, 'health:get',
                     'Health could not be checked'),
    'pool_list': Action(pools.pool_list, 'pools:get_all',
                        'Pools could not be listed'),
    'pool_create': Action(pools.pool_create, 'pools:create',
                          'Pool could not be created'),
    'pool_get': Action(pools.pool_get, 'pools:get',
                       'Pool could not be retrieved'),
    'pool_update': Action(pools.pool_update, 'pools:update',
                          'Pool could not be updated'),
    'pool_delete': Action(pools.pool_delete, 'pools:delete',
                          'Pool could not be deleted'),
    'flavor_list': Action(flavors.flavor_list, 'flavors:get_all',
                          'Flavors could not be listed'),
    'flavor_create': Action(flavors.flavor_create, 'flavors:create',
                            'Flavor could not be created'),
    'flavor_get': Action(flavors.flavor_get, 'flavors:get',
                         'Flavor could not be retrieved'),
    'flavor_update': Action(flavors.flavor_update, 'flavors:update',
                            'Flavor could not be updated'),
    'flavor_delete': Action(flavors.flavor_delete, 'flavors:delete',
                            'Flavor could not be deleted'),
}

for _name, _action in list(ACTIONS.items()):
    _build = getattr(requests, _name, None)
    if _build is not None:
        ACTIONS[_name] = dataclasses.replace(_action, request=_build)


def dispatch(svc, ctx, action: str, **params: Any) -> Any:
    """Validate the names, authorize, run the action, map storage errors."""
    spec = ACTIONS[action]
    queue_name = params.get('queue_name')
    if queue_name is not None:
        validation.queue_identification(queue_name, ctx.project_id)
    topic_name = params.get('topic_name')
    if topic_name is not None:
        validation.queue_identification(topic_name, ctx.project_id,
                                        kind='topic')
    validation.project_identification(ctx.project_id)
    svc.authorize(spec.rule, ctx)
    if spec.request is not None:
        validation.query(spec.request(svc.limits), params)
    try:
        # Quotas and rate limits (zaqar.limits): 429 before any work; a
        # long poll's re-run after a wake-up is the same request.
        if not parking.is_rerun():
            svc.quotas.check(svc, ctx, spec, params)
        result = spec.func(svc, ctx, **params)
    except failures.MAPPED as exc:
        raise failures.translate(exc, action, spec.failure, params) from exc
    for hook in svc.after_action:
        # Lifecycle notifications, push wake-ups: a hook that fails is
        # logged and never turns a done action into an error.
        try:
            hook(action, ctx, params, result, spec)
        except Exception:
            LOG.exception('After-action hook %r failed on %s', hook, action)
    return result

