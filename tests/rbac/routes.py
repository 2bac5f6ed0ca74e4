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

"""The route table the RBAC matrix runs: every API action, as data.

Each row names the action (a key of zaqar.api.actions.ACTIONS), the policy
rule, who may call it by default, one concrete request built from a
project's fixture ids, the statuses that mean "served", and what another
project must see when it sends that request with the owner's names and ids.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

PATCH_JSON = 'application/openstack-messaging-v2.0-json-patch'

# Who the default policy lets in.
ANYONE = 'anyone'      # every caller, even one with no role
READER = 'reader'      # reader, member, admin of the project
MEMBER = 'member'      # member, admin of the project
ADMIN = 'admin'        # admin only
# The slice Heat's stack users get (zaqar.policies.base.STACK_USER): the
# reader/member classes above plus a project user whose only role is
# heat_stack_user.
READER_OR_STACK_USER = 'reader+stack-user'
MEMBER_OR_STACK_USER = 'member+stack-user'

# Where a row runs, and which fixture it gets.
PROJECT_STORE = 'project'  # a plain server; a project's queue and its data
POOLING = 'pooling'        # admin_mode + pooling; pools and a flavor

# What another project sees when it names the owner's resources.
AS_NEVER_CREATED = 'as-never-created'  # same answer as for fresh names/ids
NO_PROJECT_DATA = 'no-project-data'    # the route holds no project data

Q = '/v2/queues/{queue}'
T = '/v2/topics/{topic}'


@dataclasses.dataclass(frozen=True)
class Route:
    """One request of one action, and what it should answer."""

    action: str
    rule: str
    who: str
    method: str
    # Path template over the fixture ids: {queue}, {message_id},
    # {claim_id}, {subscription_id}, {dlq} (an empty queue) and its
    # {redrive_id}.
    path: str
    success: tuple[int, ...]
    isolation: str = AS_NEVER_CREATED
    query: str = ''
    body: Any = None
    content_type: str | None = None
    # Distinguishes two rows of one action (e.g. bulk delete by ids / pop).
    variant: str = ''
    server: str = PROJECT_STORE

    @property
    def name(self) -> str:
        return self.action + (f'_{self.variant}' if self.variant else '')

    @property
    def template(self) -> str:
        """The path with every placeholder written ``{}``."""
        return re.sub(r'\{[^}]*\}', '{}', self.path)


ROUTES = [
    Route('queue_list', 'queues:get_all', READER, 'GET', '/v2/queues',
          (200,), query='detailed=true'),
    Route('queue_create', 'queues:create', MEMBER_OR_STACK_USER,
          'PUT', Q, (201, 204),
          body={'color': 'blue'}),
    Route('queue_get', 'queues:get', READER_OR_STACK_USER, 'GET', Q, (200,)),
    Route('queue_exists', 'queues:get', READER_OR_STACK_USER,
          'HEAD', Q, (204,)),
    Route('queue_update', 'queues:update', MEMBER, 'PATCH', Q, (200,),
          body=[{'op': 'add', 'path': '/metadata/size', 'value': 3}],
          content_type=PATCH_JSON),
    Route('queue_delete', 'queues:delete', MEMBER_OR_STACK_USER,
          'DELETE', Q, (204,)),
    Route('queue_get_stats', 'queues:stats', READER, 'GET', Q + '/stats',
          (200,)),
    Route('queue_purge', 'queues:purge', MEMBER, 'POST', Q + '/purge',
          (204,), body={'resource_types': ['messages', 'subscriptions']}),
    Route('queue_share', 'queues:share', MEMBER_OR_STACK_USER,
          'POST', Q + '/share',
          (200,), body={'methods': ['GET', 'POST']}),
    Route('redrive_create', 'redrive:create', MEMBER, 'POST',
          Q + '/redrive', (202,), body={'destination': 'redriven-{tag}'}),
    Route('redrive_get', 'redrive:get', READER, 'GET',
          '/v2/queues/{dlq}/redrive/{redrive_id}', (200,)),
    Route('redrive_cancel', 'redrive:delete', MEMBER, 'DELETE',
          '/v2/queues/{dlq}/redrive/{redrive_id}', (204,)),
    Route('message_post', 'messages:create', MEMBER_OR_STACK_USER, 'POST',
          Q + '/messages', (201,),
          body={'messages': [{'body': 'posted', 'ttl': 300}]}),
    Route('message_list', 'messages:get_all', READER_OR_STACK_USER, 'GET',
          Q + '/messages', (200,), query='echo=true&include_claimed=true'),
    Route('message_get_many', 'messages:get_all', READER_OR_STACK_USER, 'GET',
          Q + '/messages', (200,), query='ids={message_id}'),
    Route('message_get', 'messages:get', READER_OR_STACK_USER, 'GET',
          Q + '/messages/{message_id}', (200,)),
    Route('message_delete', 'messages:delete', MEMBER_OR_STACK_USER, 'DELETE',
          Q + '/messages/{message_id}', (204,)),
    Route('message_delete_many', 'messages:delete_all', MEMBER_OR_STACK_USER,
          'DELETE',
          Q + '/messages', (204,), query='ids={message_id}', variant='ids'),
    Route('message_delete_many', 'messages:delete_all', MEMBER_OR_STACK_USER,
          'DELETE',
          Q + '/messages', (200,), query='pop=1', variant='pop'),
    Route('claim_create', 'claims:create', MEMBER_OR_STACK_USER,
          'POST', Q + '/claims',
          (201,), body={'ttl': 120, 'grace': 60}),
    Route('claim_get', 'claims:get', READER_OR_STACK_USER, 'GET',
          Q + '/claims/{claim_id}', (200,)),
    Route('claim_update', 'claims:update', MEMBER_OR_STACK_USER, 'PATCH',
          Q + '/claims/{claim_id}', (204,), body={'ttl': 200}),
    Route('claim_delete', 'claims:delete', MEMBER_OR_STACK_USER, 'DELETE',
          Q + '/claims/{claim_id}', (204,)),
    Route('subscription_create', 'subscription:create', MEMBER, 'POST',
          Q + '/subscriptions', (201,),
          body={'subscriber': 'http://127.0.0.1:9/other', 'ttl': 3600}),
    Route('subscription_list', 'subscription:get_all', READER, 'GET',
          Q + '/subscriptions', (200,)),
    Route('subscription_get', 'subscription:get', READER, 'GET',
          Q + '/subscriptions/{subscription_id}', (200,)),
    Route('subscription_update', 'subscription:update', MEMBER, 'PATCH',
          Q + '/subscriptions/{subscription_id}', (204,),
          body={'ttl': 7200}),
    Route('subscription_delete', 'subscription:delete', MEMBER, 'DELETE',
          Q + '/subscriptions/{subscription_id}', (204,)),
    Route('subscription_confirm', 'subscription:confirm', MEMBER, 'PUT',
          Q + '/subscriptions/{subscription_id}/confirm', (204,),
          body={'confirmed': True}),
    Route('topic_list', 'topics:get_all', READER, 'GET', '/v2/topics',
          (200,), query='detailed=true'),
    Route('topic_create', 'topics:create', MEMBER, 'PUT', T, (201, 204),
          body={'color': 'green'}),
    Route('topic_get', 'topics:get', READER, 'GET', T, (200,)),
    Route('topic_update', 'topics:update', MEMBER, 'PATCH', T, (200,),
          body=[{'op': 'add', 'path': '/metadata/size', 'value': 3}],
          content_type=PATCH_JSON),
    Route('topic_delete', 'topics:delete', MEMBER, 'DELETE', T, (204,)),
    Route('topic_get_stats', 'topics:stats', READER, 'GET', T + '/stats',
          (200,)),
    Route('topic_purge', 'topics:purge', MEMBER, 'POST', T + '/purge',
          (204,), body={'resource_types': ['messages', 'subscriptions']}),
    Route('topic_message_post', 'messages:create', MEMBER_OR_STACK_USER,
          'POST',
          T + '/messages', (201,),
          body={'messages': [{'body': 'fanned out', 'ttl': 300}]}),
    Route('topic_message_list', 'messages:get_all', READER_OR_STACK_USER,
          'GET',
          T + '/messages', (200,)),
    # Topics keep no messages: even the owner gets 404 for an id.
    Route('topic_message_get', 'messages:get', READER_OR_STACK_USER, 'GET',
          T + '/messages/{message_id}', (404,)),
    Route('topic_message_delete', 'messages:delete', MEMBER_OR_STACK_USER,
          'DELETE',
          T + '/messages/{message_id}', (204,)),
    Route('topic_subscription_create', 'subscription:create', MEMBER,
          'POST', T + '/subscriptions', (201,),
          body={'subscriber': 'http://127.0.0.1:9/other-topic', 'ttl': 3600}),
    Route('topic_subscription_list', 'subscription:get_all', READER, 'GET',
          T + '/subscriptions', (200,)),
    Route('topic_subscription_get', 'subscription:get', READER, 'GET',
          T + '/subscriptions/{topic_subscription_id}', (200,)),
    Route('topic_subscription_update', 'subscription:update', MEMBER,
          'PATCH', T + '/subscriptions/{topic_subscription_id}', (204,),
          body={'ttl': 7200}),
    Route('topic_subscription_delete', 'subscription:delete', MEMBER,
          'DELETE', T + '/subscriptions/{topic_subscription_id}', (204,)),
    Route('topic_subscription_confirm', 'subscription:confirm', MEMBER,
          'PUT', T + '/subscriptions/{topic_subscription_id}/confirm',
          (204,), body={'confirmed': True}),
    Route('ping', 'ping:get', ANYONE, 'GET', '/v2/ping', (204,),
          isolation=NO_PROJECT_DATA),
    Route('ping', 'ping:get', ANYONE, 'HEAD', '/v2/ping', (204,),
          isolation=NO_PROJECT_DATA, variant='head'),
    Route('health', 'health:get', ADMIN, 'GET', '/v2/health', (200,),
          isolation=NO_PROJECT_DATA),
]

# The admin API of pooling: pools and flavors are global (no project owns
# them), so there is no isolation to check, only who may call. Fixture ids:
# {pool} (in no flavor), {flavor} over {flavor_pool}, and unused names
# {new_pool}/{new_flavor} with a store URI {new_pool_uri}.
P = '/v2/pools/{pool}'
F = '/v2/flavors/{flavor}'
ROUTES += [
    Route(action, rule, who, method, path, success,
          isolation=NO_PROJECT_DATA, body=body, server=POOLING)
    for action, rule, who, method, path, success, body in (
        ('pool_list', 'pools:get_all', ADMIN, 'GET', '/v2/pools', (200,),
         None),
        ('pool_create', 'pools:create', ADMIN, 'PUT', '/v2/pools/{new_pool}',
         (201,), {'weight': 10, 'uri': '{new_pool_uri}'}),
        ('pool_get', 'pools:get', ADMIN, 'GET', P, (200,), None),
        ('pool_update', 'pools:update', ADMIN, 'PATCH', P, (200,),
         {'weight': 20}),
        ('pool_delete', 'pools:delete', ADMIN, 'DELETE', P, (204,), None),
        ('flavor_list', 'flavors:get_all', READER, 'GET', '/v2/flavors',
         (200,), None),
        ('flavor_create', 'flavors:create', ADMIN, 'PUT',
         '/v2/flavors/{new_flavor}', (201,),
         {'pool_list': ['{flavor_pool}']}),
        ('flavor_get', 'flavors:get', READER, 'GET', F, (200,), None),
        ('flavor_update', 'flavors:update', ADMIN, 'PATCH', F, (200,),
         {'pool_list': ['{flavor_pool}', '{pool}']}),
        ('flavor_delete', 'flavors:delete', ADMIN, 'DELETE', F, (204,),
         None),
    )
]

# Personas of the matrix: X-Roles they send, and whether they belong to the
# project that owns the fixture.
PERSONAS = {
    'admin': 'admin',
    'member': 'member',
    'reader': 'reader',
    'norole': '',
    'stackuser': 'heat_stack_user',
}
ALLOWED = {
    ANYONE: {'admin', 'member', 'reader', 'norole', 'stackuser'},
    READER: {'admin', 'member', 'reader'},
    MEMBER: {'admin', 'member'},
    ADMIN: {'admin'},
    READER_OR_STACK_USER: {'admin', 'member', 'reader', 'stackuser'},
    MEMBER_OR_STACK_USER: {'admin', 'member', 'stackuser'},
}
