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

"""Topic operations: a topic is a fan-out target with subscriptions.

Messages posted to a topic are delivered to its subscriptions (webhook,
mail, trust, ...) and not kept: they cannot be listed, claimed or popped,
and a topic's stats are always zero. Topic metadata follows the queue rules
(``_default_message_ttl``, ``_max_messages_post_size``, ``_retry_policy``,
``_enable_encrypt_messages`` ... apply to its posts and deliveries).

Storage: topics are their own scope (``zaqar.storage.scope``): a topic
never collides with a queue of the same name, and its subscriptions and
deliveries carry the topic scope down to the delivery pipeline.
"""

from __future__ import annotations

import copy
import uuid

from zaqar.api import messages as message_ops
from zaqar.api import queues as queue_ops
from zaqar.api import subscriptions as subscription_ops
from zaqar.api.payload import Payload
from zaqar.common import errors
from zaqar.storage import errors as storage_errors
from zaqar.storage import models, scope


def topic_context(ctx):
    """A copy of ``ctx`` working in the topic scope (``scope.of``).

    The project stays the caller's: the storage calls the queue
    operations make carry ``scope=TOPIC`` next to it. Only for storage
    scoping: policy was enforced on ``ctx`` itself.
    """
    scoped = copy.copy(ctx)
    scoped.scope = scope.TOPIC
    return scoped


# -- the topic itself ---------------------------------------------------------

def topic_create(svc, ctx, topic_name: str, payload: Payload) -> bool:
    return queue_ops.queue_create(svc, topic_context(ctx), topic_name,
                                  payload)


def topic_get(svc, ctx, topic_name: str) -> dict:
    return queue_ops.queue_get(svc, topic_context(ctx), topic_name)


def topic_patch(svc, ctx, topic_name: str, payload: Payload) -> dict:
    try:
        return queue_ops.queue_patch(svc, topic_context(ctx), topic_name,
                                     payload, lazy=False)
    except storage_errors.QueueDoesNotExist as exc:
        raise errors.TopicNotFound(name=topic_name,
                                   project=ctx.project_id) from exc


def topic_delete(svc, ctx, topic_name: str) -> None:
    queue_ops.queue_delete(svc, topic_context(ctx), topic_name)


def topic_list(svc, ctx, marker: str | None = None, limit: int = 10,
               detailed: bool = False, name: str | None = None,
               with_count: bool = False
               ) -> tuple[list[models.Queue], str | None, int | None]:
    return queue_ops.queue_list(svc, topic_context(ctx), marker, limit,
                                detailed, name, with_count)


def topic_stats(svc, ctx, topic_name: str) -> models.QueueStats:
    """Always zero: a topic keeps no messages."""
    return models.QueueStats()


def topic_purge(svc, ctx, topic_name: str, payload: Payload) -> None:
    """Validated like a queue purge; removes the topic's subscriptions."""
    queue_ops.queue_purge(svc, topic_context(ctx), topic_name, payload)


# -- messages -------------------------------------------------------------------

def topic_message_post(svc, ctx, topic_name: str,
                       payload: Payload) -> list[str]:
    """Validate like a queue post (the one prepared-post path), then fan
    out; the topic record is created in the same storage step if missing.
    Returns the new ids."""
    scoped = topic_context(ctx)
    _, prepared = message_ops.prepare_post(svc, scoped, topic_name, payload)
    for item in prepared:
        item['id'] = str(uuid.uuid4())
    svc.outbox.fan_out(topic_name, prepared, project=ctx.project_id,
                       scope=scope.TOPIC, **message_ops.traced_post())
    return [item['id'] for item in prepared]


def topic_message_list(svc, ctx, topic_name: str, **query
                       ) -> tuple[list[models.Message], str | None]:
    """Always empty: posted messages are delivered, not kept."""
    return [], None


def topic_message_get(svc, ctx, topic_name: str,
                      message_id: str) -> models.Message:
    raise errors.TopicMessageNotFound(id=message_id, topic=topic_name,
                                      project=ctx.project_id)


def topic_message_delete(svc, ctx, topic_name: str, message_id: str,
                         claim_id: str | None = None) -> None:
    """Nothing to delete (idempotent like a queue's)."""


# -- subscriptions ----------------------------------------------------------------

def topic_subscription_create(svc, ctx, topic_name: str, payload: Payload):
    try:
        return subscription_ops.subscription_create(
            svc, topic_context(ctx), topic_name, payload)
    except errors.Conflict as exc:
        exc.headers['Location'] = f'/v2/topics/{topic_name}/subscriptions'
        raise


def topic_subscription_list(svc, ctx, topic_name: str,
                            marker: str | None = None, limit: int = 10):
    return subscription_ops.subscription_list(
        svc, topic_context(ctx), topic_name, marker, limit)


def topic_subscription_get(svc, ctx, topic_name: str, subscription_id: str):
    return subscription_ops.subscription_get(
        svc, topic_context(ctx), topic_name, subscription_id)


def topic_subscription_update(svc, ctx, topic_name: str,
                              subscription_id: str, payload: Payload):
    return subscription_ops.subscription_update(
        svc, topic_context(ctx), topic_name, subscription_id, payload)


def topic_subscription_delete(svc, ctx, topic_name: str,
                              subscription_id: str) -> None:
    subscription_ops.subscription_delete(svc, topic_context(ctx), topic_name,
                                         subscription_id)


def topic_subscription_confirm(svc, ctx, topic_name: str,
                               subscription_id: str, payload: Payload):
    subscription_ops.subscription_confirm(
        svc, topic_context(ctx), topic_name, subscription_id, payload)
