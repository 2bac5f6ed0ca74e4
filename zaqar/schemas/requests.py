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

"""What each API action accepts, built from the configured limits.

``zaqar.api.actions.ACTIONS`` names one of these per action. The request
validator (``zaqar.api.validation``) and /v2/openapi.json both read them,
so a rule is written once: here, or in the resource module it names.
Every builder takes the ``[transport]`` limits and answers a
``common.Request``; bodies the operation parses itself (after a size
check) are validated there against the same schema.
"""

from __future__ import annotations

from zaqar.schemas import (
    claims,
    common,
    flavors,
    messages,
    pools,
    queues,
    subscriptions,
)

Request = common.Request


@common.per_limits
def queue_list(limits) -> Request:
    return Request(query={'limit': common.page_limit(
        limits.max_queues_per_page, 'QueuePageLimit')})


@common.per_limits
def queue_create(limits) -> Request:
    return Request(body=queues.metadata(limits))


@common.per_limits
def queue_update(limits) -> Request:
    return Request(body=queues.PATCH)


@common.per_limits
def queue_purge(limits) -> Request:
    return Request(body=queues.PURGE)


@common.per_limits
def message_post(limits) -> Request:
    return Request(body=messages.post(limits))


@common.per_limits
def message_list(limits) -> Request:
    return Request(query={
        'limit': common.page_limit(limits.max_messages_per_page),
        'wait': common.wait()})


@common.per_limits
def message_get_many(limits) -> Request:
    return Request(query={'ids': messages.ids(
        limits.max_messages_per_page, 'PageLimit')})


@common.per_limits
def message_delete_many(limits) -> Request:
    return Request(query={
        'ids': messages.ids(limits.max_messages_per_page, 'IdsCount'),
        'pop': common.page_limit(limits.max_messages_per_claim_or_pop,
                                 'PopValue'),
    })


@common.per_limits
def claim_create(limits) -> Request:
    return Request(query={
        'limit': common.page_limit(limits.max_messages_per_claim_or_pop),
        'wait': common.wait()}, body=claims.create(limits))


@common.per_limits
def claim_update(limits) -> Request:
    return Request(body=claims.update(limits))


@common.per_limits
def subscription_create(limits) -> Request:
    return Request(body=subscriptions.create(limits))


@common.per_limits
def subscription_update(limits) -> Request:
    return Request(body=subscriptions.update(limits))


@common.per_limits
def subscription_confirm(limits) -> Request:
    return Request(body=subscriptions.CONFIRM)


@common.per_limits
def subscription_list(limits) -> Request:
    return Request(query={'limit': common.page_limit(
        limits.max_subscriptions_per_page)})


@common.per_limits
def pool_list(limits) -> Request:
    return Request(query={'limit': common.page_limit(
        limits.max_pools_per_page)})


@common.per_limits
def pool_create(limits) -> Request:
    return Request(body=pools.CREATE)


@common.per_limits
def pool_update(limits) -> Request:
    return Request(body=pools.UPDATE)


@common.per_limits
def flavor_list(limits) -> Request:
    return Request(query={'limit': common.page_limit(
        limits.max_flavors_per_page)})


@common.per_limits
def flavor_create(limits) -> Request:
    return Request(body=flavors.CREATE)


@common.per_limits
def flavor_update(limits) -> Request:
    return Request(body=flavors.UPDATE)


# Topics: queue-shaped, with the queue rules.
topic_list = queue_list
topic_create = queue_create
topic_update = queue_update
topic_purge = queue_purge
topic_message_post = message_post


@common.per_limits
def topic_message_list(limits) -> Request:
    """Always an empty page: no long poll on a topic."""
    return Request(query={'limit': common.page_limit(
        limits.max_messages_per_page)})


topic_subscription_list = subscription_list
topic_subscription_create = subscription_create
topic_subscription_update = subscription_update
topic_subscription_confirm = subscription_confirm

SCHEMAS: dict = {}
