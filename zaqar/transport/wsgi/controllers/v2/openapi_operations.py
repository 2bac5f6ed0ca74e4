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

"""The operations the OpenAPI document describes, and their parameters.

Each operation names the home-document relation that advertises it; its
bodies refer to schemas of ``zaqar.schemas`` as ``<module>.<NAME>``.
"""

from __future__ import annotations

import dataclasses

from zaqar.schemas import common, queues

OPENAPI_PATH = '/v2/openapi.json'
_Q = 'queue_name'
# Relation of operations every deployment serves.
ALWAYS = '*'


def _param(name: str, where: str, schema: dict, description: str,
           required: bool = False) -> dict:
    param = {'name': name, 'in': where, 'required': required or
             where == 'path', 'description': description, 'schema': schema}
    if where == 'query':
        # A blank query value counts as absent (``?limit=``), as in the
        # reference.
        param['allowEmptyValue'] = True
    return param


_BOOL = {'type': 'boolean'}


def _limit(maximum: int) -> dict:
    return {'type': 'integer', 'minimum': 1, 'maximum': maximum}


PARAMETERS = {
    'client_id': _param('Client-ID', 'header',
                        {'type': 'string', 'format': 'uuid'},
                        'UUID naming the client instance (echo semantics).',
                        True),
    'project_id': _param('X-Project-ID', 'header',
                         {'type': 'string', 'minLength': 1},
                         'Project the call is scoped to (from the token '
                         'when authentication is on); at most 256 '
                         'characters on routes naming a queue.', True),
    'queue_name': _param(_Q, 'path', common.NAME, 'Queue name.'),
    'topic_name': _param('topic_name', 'path', common.NAME, 'Topic name.'),
    'message_id': _param('message_id', 'path', {'type': 'string'},
                         'Message id.'),
    'claim_id_path': _param('claim_id', 'path', {'type': 'string'},
                            'Claim id.'),
    'subscription_id': _param('subscription_id', 'path', {'type': 'string'},
                              'Subscription id.'),
    'redrive_id': _param('redrive_id', 'path', {'type': 'string'},
                         'Redrive task id.'),
    'pool_name': _param('pool_name', 'path', {'type': 'string'},
                        'Pool name.'),
    'flavor_name': _param('flavor_name', 'path', {'type': 'string'},
                          'Flavor name.'),
    'marker': _param('marker', 'query', {'type': 'string'},
                     'Opaque position from a previous page\'s next link.'),
    'limit': _param('limit', 'query', _limit(20), 'Page size (default 10).'),
    'detailed': _param('detailed', 'query', _BOOL,
                       'Include metadata/options in each item.'),
    'name': _param('name', 'query', {'type': 'string'},
                   'Only queues whose name contains this text.'),
    'with_count': _param('with_count', 'query', _BOOL,
                         'Add the project\'s total queue count.'),
    'echo': _param('echo', 'query', _BOOL,
                   'Include messages this Client-ID posted.'),
    'include_claimed': _param('include_claimed', 'query', _BOOL,
                              'Include claimed messages.'),
    'include_delayed': _param('include_delayed', 'query', _BOOL,
                              'Include messages still delayed.'),
    'ids': _param('ids', 'query',
                  {'type': 'array', 'items': {'type': 'string'},
                   'minItems': 1, 'maxItems': 20},
                  'Comma-separated message ids.'),
    'pop': _param('pop', 'query', _limit(20),
                  'Claim and delete up to this many messages, returning '
                  'them.'),
    'claim_ids': _param('claim_ids', 'query',
                        {'type': 'array', 'items': {'type': 'string'}},
                        'Claims holding the ids (message_delete_with_'
                        'claim_id).'),
    'claim_id': _param('claim_id', 'query', {'type': 'string'},
                       'Claim holding the message.'),
    'claim_limit': _param('limit', 'query', _limit(20),
                          'Most messages to claim (default 10).'),
    'wait': _param('wait', 'query',
                   {'type': 'integer', 'minimum': 0, 'maximum': 20},
                   'Long polling: when no message is available, wait up '
                   'to this many seconds for one before answering '
                   '(default 0: answer at once).'),
}
for _name in ('ids', 'claim_ids'):
    PARAMETERS[_name].update(style='form', explode=False)


@dataclasses.dataclass(frozen=True)
class Operation:
    """One method on one path, and the home relation that advertises it."""

    rel: str
    method: str
    path: str
    operation_id: str
    summary: str
    tag: str
    responses: dict
    params: tuple = ()
    body: str | None = None
    body_required: bool = False
    media_type: str = 'application/json'


def ok(description: str, schema: str | None = None,
        media: str = 'application/json') -> tuple:
    """A response: its description, body schema name (None: no body) and
    media type."""
    return (description, schema, media)


_COMMON_ERRORS = {
    400: ok('Invalid request (headers, names, parameters or body).',
             'common.ERROR'),
    403: ok('Denied by policy.', 'common.ERROR'),
    503: ok('Storage unavailable; retry later.', 'common.ERROR'),
}
# Any route: a request carrying URL-Signature that its signature does not
# grant (zaqar.transport.wsgi.signed) is refused with a bare 404.
_SIGNED_REFUSED = ok('A signed request (URL-Signature) its signature does '
                     'not grant.', 'common.ERROR')


def _errors(*extra: int) -> dict:
    found = dict(_COMMON_ERRORS)
    found[404] = _SIGNED_REFUSED
    # 404 also covers admin routes advertised while pooling is off.
    for status in extra:
        found[status] = ok({404: 'Not found.', 409: 'Conflict.',
                             415: 'Wrong Content-Type.'}[status],
                            'common.ERROR')
    return found


_QUEUE = '/v2/queues/{queue_name}'
_MSGS = _QUEUE + '/messages'
_CLAIMS = _QUEUE + '/claims'
_SUBS = _QUEUE + '/subscriptions'
_PAGE = ('marker', 'limit')

OPERATIONS = (
    Operation(ALWAYS, 'get', '/v2/', 'home', 'The JSON-Home document.',
              'versions', {200: ok('Home document.', 'health.HOME',
                                    'application/json-home'),
                           400: _COMMON_ERRORS[400],
                           404: _SIGNED_REFUSED}),
    Operation(ALWAYS, 'get', OPENAPI_PATH, 'openapi',
              'This OpenAPI document.', 'versions',
              {200: ok('OpenAPI 3.1 document.', 'common.OBJECT'),
               400: _COMMON_ERRORS[400], 404: _SIGNED_REFUSED}),
    Operation('queues', 'get', '/v2/queues', 'queue_list', 'List queues.',
              'queues', {200: ok('A page of queues.', 'queues.LIST'),
                         **_errors()},
              _PAGE + ('detailed', 'name', 'with_count')),
    Operation('queue', 'put', _QUEUE, 'queue_create',
              'Create a queue (an existing one is left unchanged).',
              'queues', {201: ok('Created.'), 204: ok('Already exists.'),
                         **_errors(404)}, (_Q,), 'queues.METADATA'),
    Operation('queue', 'get', _QUEUE, 'queue_get',
              'Queue metadata with reserved defaults.', 'queues',
              {200: ok('Metadata.', 'queues.METADATA_RESPONSE'),
               **_errors(404)}, (_Q,)),
    Operation('queue', 'head', _QUEUE, 'queue_exists',
              'Whether the queue exists.', 'queues',
              {204: ok('It exists.'), **_errors(),
               404: ok('It does not.')}, (_Q,)),
    Operation('queue', 'patch', _QUEUE, 'queue_update',
              'Change metadata with JSON-patch operations.', 'queues',
              {200: ok('The new metadata.', 'queues.METADATA_RESPONSE'),
               **_errors(404, 409, 415)}, (_Q,), 'queues.PATCH', True,
              queues.PATCH_MEDIA_TYPE),
    Operation('queue', 'delete', _QUEUE, 'queue_delete',
              'Delete a queue and everything in it.', 'queues',
              {204: ok('Deleted (or never existed).'), **_errors(404)},
              (_Q,)),
    Operation('queue_stats', 'get', _QUEUE + '/stats', 'queue_stats',
              'Message counts, oldest and newest.', 'queues',
              {200: ok('Stats.', 'queues.STATS'), **_errors(404)}, (_Q,)),
    Operation('queue_purge', 'post', _QUEUE + '/purge', 'queue_purge',
              'Remove all messages and/or subscriptions.', 'queues',
              {204: ok('Purged.'), **_errors(404)}, (_Q,),
              'queues.PURGE'),
    Operation('queue_share', 'post', _QUEUE + '/share', 'queue_share',
              'Sign a URL that grants access without credentials.',
              'share', {200: ok('The signature.', 'share.RESPONSE'),
                        **_errors(404)}, (_Q,), 'share.REQUEST', True),
    Operation('queue_redrive', 'post', _QUEUE + '/redrive',
              'redrive_create',
              'Start moving a dead-letter queue\'s messages to another '
              'queue (by default the one dead-lettering into it).',
              'redrive', {202: ok('Started; Location names the task.',
                                  'redrive.TASK'),
                          **_errors(404, 409)}, (_Q,), 'redrive.REQUEST'),
    Operation('redrive_task', 'get', _QUEUE + '/redrive/{redrive_id}',
              'redrive_get', 'Progress of a redrive task.', 'redrive',
              {200: ok('The task.', 'redrive.TASK'), **_errors(404)},
              (_Q, 'redrive_id')),
    Operation('redrive_task', 'delete', _QUEUE + '/redrive/{redrive_id}',
              'redrive_cancel',
              'Cancel a redrive task (what moved stays moved).', 'redrive',
              {204: ok('Cancelled (or already finished).'), **_errors(404)},
              (_Q, 'redrive_id')),
    Operation('post_messages', 'post', _MSGS, 'message_post',
              'Post messages (creates the queue).', 'messages',
              {201: ok('Posted.', 'messages.POST_RESPONSE'),
               **_errors(404)}, (_Q,), 'messages.POST', True),
    Operation('messages', 'get', _MSGS, 'message_list',
              'List messages, or get several by id (?ids=).', 'messages',
              {200: ok('Messages.', 'messages.LIST_OR_MANY'),
               **_errors(404)},
              (_Q,) + _PAGE + ('echo', 'include_claimed', 'include_delayed',
                               'ids', 'wait')),
    Operation('messages_delete', 'delete', _MSGS, 'message_delete_many',
              'Delete messages by id, or pop them (?pop=).', 'messages',
              {200: ok('Popped messages.', 'messages.MANY'),
               204: ok('Deleted.'), **_errors(404)},
              (_Q, 'ids', 'claim_ids', 'pop')),
    Operation('message_get', 'get', _MSGS + '/{message_id}', 'message_get',
              'Get one message.', 'messages',
              {200: ok('The message.', 'messages.MESSAGE'),
               **_errors(404)}, (_Q, 'message_id')),
    Operation('message_delete', 'delete', _MSGS + '/{message_id}',
              'message_delete', 'Delete one message.', 'messages',
              {204: ok('Deleted (or never existed).'), **_errors(404)},
              (_Q, 'message_id', 'claim_id')),
    Operation('post_claim', 'post', _CLAIMS, 'claim_create',
              'Claim messages.', 'claims',
              {201: ok('Claimed.', 'claims.CREATE_RESPONSE'),
               204: ok('Nothing to claim.'), **_errors(404)},
              (_Q, 'claim_limit', 'wait'), 'claims.CREATE'),
    Operation('claim', 'get', _CLAIMS + '/{claim_id}', 'claim_get',
              'Get a claim and its messages.', 'claims',
              {200: ok('The claim.', 'claims.CLAIM'), **_errors(404)},
              (_Q, 'claim_id_path')),
    Operation('patch_claim', 'patch', _CLAIMS + '/{claim_id}',
              'claim_update', 'Renew a claim.', 'claims',
              {204: ok('Renewed.'), **_errors(404)},
              (_Q, 'claim_id_path'), 'claims.UPDATE'),
    Operation('delete_claim', 'delete', _CLAIMS + '/{claim_id}',
              'claim_delete', 'Release a claim.', 'claims',
              {204: ok('Released.'), **_errors(404)},
              (_Q, 'claim_id_path')),
    Operation('subscriptions_post', 'post', _SUBS, 'subscription_create',
              'Subscribe a webhook or mail address.', 'subscriptions',
              {201: ok('Subscribed.', 'subscriptions.CREATE_RESPONSE'),
               **_errors(404, 409)}, (_Q,), 'subscriptions.CREATE', True),
    Operation('subscriptions_get', 'get', _SUBS, 'subscription_list',
              'List subscriptions.', 'subscriptions',
              {200: ok('A page.', 'subscriptions.LIST'), **_errors(404)},
              (_Q,) + _PAGE),
    Operation('subscription', 'get', _SUBS + '/{subscription_id}',
              'subscription_get', 'Get a subscription.', 'subscriptions',
              {200: ok('It.', 'subscriptions.SUBSCRIPTION'),
               **_errors(404)}, (_Q, 'subscription_id')),
    Operation('subscription_patch', 'patch', _SUBS + '/{subscription_id}',
              'subscription_update', 'Change a subscription.',
              'subscriptions', {204: ok('Changed.'), **_errors(404, 409)},
              (_Q, 'subscription_id'), 'subscriptions.UPDATE', True),
    Operation('subscription', 'delete', _SUBS + '/{subscription_id}',
              'subscription_delete', 'Delete a subscription.',
              'subscriptions', {204: ok('Deleted.'), **_errors(404)},
              (_Q, 'subscription_id')),
    Operation('subscription_confirm', 'put',
              _SUBS + '/{subscription_id}/confirm',
              'subscription_confirm', 'Confirm (or revoke) a subscription.',
              'subscriptions', {204: ok('Done.'), **_errors(404)},
              (_Q, 'subscription_id'), 'subscriptions.CONFIRM', True),
    Operation('ping', 'get', '/v2/ping', 'ping', 'Is storage reachable?',
              'health', {204: ok('Yes.'), **_errors()}),
    Operation('ping', 'head', '/v2/ping', 'ping_head',
              'Is storage reachable? (no body)', 'health',
              {204: ok('Yes.'), **_errors()}),
    Operation('health', 'get', '/v2/health', 'health',
              'Run every storage operation once and time it (admin).',
              'health', {200: ok('Probe results.', 'health.HEALTH'),
                         **_errors()}),
    Operation('pools', 'get', '/v2/pools', 'pool_list', 'List pools.',
              'pools', {200: ok('A page of pools.', 'pools.LIST'),
                        **_errors(404)}, _PAGE + ('detailed',)),
    Operation('pool', 'put', '/v2/pools/{pool_name}', 'pool_create',
              'Register (or replace) a pool.', 'pools',
              {201: ok('Registered.'), **_errors(404, 409)},
              ('pool_name',),
              'pools.CREATE', True),
    Operation('pool', 'get', '/v2/pools/{pool_name}', 'pool_get',
              'Get a pool.', 'pools',
              {200: ok('The pool.', 'pools.POOL'), **_errors(404)},
              ('pool_name', 'detailed')),
    Operation('pool', 'patch', '/v2/pools/{pool_name}', 'pool_update',
              'Change a pool.', 'pools',
              {200: ok('The pool.', 'pools.POOL'), **_errors(404)},
              ('pool_name',), 'pools.UPDATE', True),
    Operation('pool', 'delete', '/v2/pools/{pool_name}', 'pool_delete',
              'Remove a pool.', 'pools', {204: ok('Removed.'),
                                          **_errors(404)}, ('pool_name',)),
    Operation('flavors', 'get', '/v2/flavors', 'flavor_list',
              'List flavors.', 'flavors',
              {200: ok('A page of flavors.', 'flavors.LIST'),
               **_errors(404)},
              _PAGE + ('detailed',)),
    Operation('flavor', 'put', '/v2/flavors/{flavor_name}', 'flavor_create',
              'Create (or replace) a flavor.', 'flavors',
              {201: ok('Created.'), **_errors(404)}, ('flavor_name',),
              'flavors.CREATE', True),
    Operation('flavor', 'get', '/v2/flavors/{flavor_name}', 'flavor_get',
              'Get a flavor.', 'flavors',
              {200: ok('The flavor.', 'flavors.FLAVOR'), **_errors(404)},
              ('flavor_name', 'detailed')),
    Operation('flavor', 'patch', '/v2/flavors/{flavor_name}',
              'flavor_update', 'Change a flavor\'s pools.', 'flavors',
              {200: ok('The flavor.', 'flavors.FLAVOR'), **_errors(404)},
              ('flavor_name',), 'flavors.UPDATE', True),
    Operation('flavor', 'delete', '/v2/flavors/{flavor_name}',
              'flavor_delete', 'Delete a flavor.', 'flavors',
              {204: ok('Deleted.'), **_errors(404)}, ('flavor_name',)),
)


# Topic operations whose body may be left out.
_OPTIONAL_BODY = ('topic_create', 'topic_purge')


def _topic_operations() -> tuple[Operation, ...]:
    """/v2/topics: queue-shaped routes whose posts fan out, never kept."""
    topic = '/v2/topics/{topic_name}'
    subs = topic + '/subscriptions'
    name = ('topic_name',)
    sub = name + ('subscription_id',)
    rows = (
        # (rel, method, path, operationId, summary, responses, params, body)
        ('topics', 'get', '/v2/topics', 'topic_list', 'List topics.',
         {200: ok('A page of topics.', 'queues.TOPIC_LIST')},
         _PAGE + ('detailed', 'name', 'with_count'), None),
        ('topic', 'put', topic, 'topic_create', 'Create a topic.',
         {201: ok('Created.'), 204: ok('Already exists.')}, name,
         'queues.METADATA'),
        ('topic', 'get', topic, 'topic_get', 'Topic metadata.',
         {200: ok('Metadata.', 'queues.METADATA_RESPONSE')}, name, None),
        ('topic', 'patch', topic, 'topic_update',
         'Change topic metadata with JSON-patch operations.',
         {200: ok('The new metadata.', 'queues.METADATA_RESPONSE'),
          409: ok('Conflict.', 'common.ERROR'),
          415: ok('Wrong Content-Type.', 'common.ERROR')}, name,
         'queues.PATCH'),
        ('topic', 'delete', topic, 'topic_delete', 'Delete a topic.',
         {204: ok('Deleted (or never existed).')}, name, None),
        ('topic_stats', 'get', topic + '/stats', 'topic_stats',
         'Always zero counts: a topic keeps no messages.',
         {200: ok('Stats.', 'queues.STATS')}, name, None),
        ('topic_purge', 'post', topic + '/purge', 'topic_purge',
         'Remove the topic\'s subscriptions.', {204: ok('Purged.')}, name,
         'queues.PURGE'),
        ('topic_messages', 'post', topic + '/messages', 'topic_message_post',
         'Deliver messages to every subscriber (nothing is kept).',
         {201: ok('Posted.', 'messages.POST_RESPONSE')}, name,
         'messages.POST'),
        ('topic_messages', 'get', topic + '/messages', 'topic_message_list',
         'Always an empty page.', {200: ok('Messages.', 'messages.LIST')},
         name + ('limit',), None),
        ('topic_message', 'get', topic + '/messages/{message_id}',
         'topic_message_get', 'Always 404: messages are not kept.', {},
         name + ('message_id',), None),
        ('topic_message', 'delete', topic + '/messages/{message_id}',
         'topic_message_delete', 'Nothing to delete (idempotent).',
         {204: ok('Done.')}, name + ('message_id',), None),
        ('topic_subscriptions', 'post', subs, 'topic_subscription_create',
         'Subscribe to the topic.',
         {201: ok('Subscribed.', 'subscriptions.CREATE_RESPONSE'),
          409: ok('Conflict.', 'common.ERROR')}, name,
         'subscriptions.CREATE'),
        ('topic_subscriptions', 'get', subs, 'topic_subscription_list',
         'List the topic\'s subscriptions.',
         {200: ok('A page.', 'subscriptions.LIST')}, name + _PAGE, None),
        ('topic_subscription', 'get', subs + '/{subscription_id}',
         'topic_subscription_get', 'Get a subscription.',
         {200: ok('It.', 'subscriptions.SUBSCRIPTION')}, sub, None),
        ('topic_subscription', 'patch', subs + '/{subscription_id}',
         'topic_subscription_update', 'Change a subscription.',
         {204: ok('Changed.'), 409: ok('Conflict.', 'common.ERROR')}, sub,
         'subscriptions.UPDATE'),
        ('topic_subscription', 'delete', subs + '/{subscription_id}',
         'topic_subscription_delete', 'Delete a subscription.',
         {204: ok('Deleted.')}, sub, None),
        ('topic_subscription_confirm', 'put',
         subs + '/{subscription_id}/confirm', 'topic_subscription_confirm',
         'Confirm (or revoke) a subscription.', {204: ok('Done.')}, sub,
         'subscriptions.CONFIRM'),
    )
    return tuple(
        Operation(rel, method, path, op_id, summary, 'topics',
                  {**responses, **_errors(404)}, params, body,
                  body is not None and op_id not in _OPTIONAL_BODY,
                  queues.PATCH_MEDIA_TYPE if method == 'patch'
                  and rel == 'topic' else 'application/json')
        for rel, method, path, op_id, summary, responses, params, body
        in rows)


OPERATIONS += _topic_operations()
