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

"""The v2 home document (JSON-Home) both transports serve."""

from __future__ import annotations

import json

_JSON = {'application/json': {}}

# (rel, href or href-template, href-vars or None, allowed methods)
_PROJECT_RESOURCES = [
    ('queues', '/v2/queues{?marker,limit,detailed}',
     {'marker': 'param/marker', 'limit': 'param/queue_limit',
      'detailed': 'param/detailed'}, ['GET']),
    ('queue', '/v2/queues/{queue_name}', {'queue_name': 'param/queue_name'},
     ['GET', 'PUT', 'DELETE', 'PATCH']),
    ('queue_stats', '/v2/queues/{queue_name}/stats',
     {'queue_name': 'param/queue_name'}, ['GET']),
    ('queue_share', '/v2/queues/{queue_name}/share',
     {'queue_name': 'param/queue_name'}, ['POST']),
    ('queue_purge', '/v2/queues/{queue_name}/purge',
     {'queue_name': 'param/queue_name'}, ['POST']),
    ('queue_redrive', '/v2/queues/{queue_name}/redrive',
     {'queue_name': 'param/queue_name'}, ['POST']),
    ('redrive_task', '/v2/queues/{queue_name}/redrive/{redrive_id}',
     {'queue_name': 'param/queue_name', 'redrive_id': 'param/redrive_id'},
     ['GET', 'DELETE']),
    ('messages',
     '/v2/queues/{queue_name}/messages{?marker,limit,echo,include_claimed}',
     {'queue_name': 'param/queue_name', 'marker': 'param/marker',
      'limit': 'param/messages_limit', 'echo': 'param/echo',
      'include_claimed': 'param/include_claimed'}, ['GET']),
    ('post_messages', '/v2/queues/{queue_name}/messages',
     {'queue_name': 'param/queue_name'}, ['POST']),
    ('messages_delete', '/v2/queues/{queue_name}/messages{?ids,pop}',
     {'queue_name': 'param/queue_name', 'ids': 'param/ids',
      'pop': 'param/pop'}, ['DELETE']),
    ('message_delete',
     '/v2/queues/{queue_name}/messages/{message_id}{?claim_id}',
     {'queue_name': 'param/queue_name', 'message_id': 'param/message_id',
      'claim_id': 'param/claim_id'}, ['DELETE']),
    ('message_get', '/v2/queues/{queue_name}/messages/{message_id}',
     {'queue_name': 'param/queue_name', 'message_id': 'param/message_id'},
     ['GET']),
    ('claim', '/v2/queues/{queue_name}/claims/{claim_id}',
     {'queue_name': 'param/queue_name', 'claim_id': 'param/claim_id'},
     ['GET']),
    ('post_claim', '/v2/queues/{queue_name}/claims{?limit}',
     {'queue_name': 'param/queue_name', 'limit': 'param/claim_limit'},
     ['POST']),
    ('patch_claim', '/v2/queues/{queue_name}/claims/{claim_id}',
     {'queue_name': 'param/queue_name', 'claim_id': 'param/claim_id'},
     ['PATCH']),
    ('delete_claim', '/v2/queues/{queue_name}/claims/{claim_id}',
     {'queue_name': 'param/queue_name', 'claim_id': 'param/claim_id'},
     ['DELETE']),
    ('subscriptions_get',
     '/v2/queues/{queue_name}/subscriptions{?marker,limit}',
     {'queue_name': 'param/queue_name', 'marker': 'param/marker',
      'limit': 'param/subscription_limit'}, ['GET']),
    ('subscriptions_post', '/v2/queues/{queue_name}/subscriptions',
     {'queue_name': 'param/queue_name'}, ['POST']),
    ('subscription',
     '/v2/queues/{queue_name}/subscriptions/{subscriptions_id}',
     {'queue_name': 'param/queue_name',
      'subscriptions_id': 'param/subscriptions_id'}, ['GET', 'DELETE']),
    ('subscription_patch',
     '/v2/queues/{queue_name}/subscriptions/{subscriptions_id}',
     {'queue_name': 'param/queue_name',
      'subscriptions_id': 'param/subscriptions_id'}, ['PATCH']),
    ('subscription_confirm',
     '/v2/queues/{queue_name}/subscriptions/{subscriptions_id}/confirm',
     {'queue_name': 'param/queue_name',
      'subscriptions_id': 'param/subscriptions_id'}, ['PUT']),
    ('ping', '/v2/ping', None, ['GET']),
]

# Topics: fan-out targets (zaqar.api.topics), one relation per path.
_TOPIC = '/v2/topics/{topic_name}'
_T = {'topic_name': 'param/topic_name'}
_TOPIC_RESOURCES = [
    ('topics', '/v2/topics{?marker,limit,detailed}',
     {'marker': 'param/marker', 'limit': 'param/topic_limit',
      'detailed': 'param/detailed'}, ['GET']),
    ('topic', _TOPIC, _T, ['GET', 'PUT', 'DELETE', 'PATCH']),
    ('topic_stats', _TOPIC + '/stats', _T, ['GET']),
    ('topic_purge', _TOPIC + '/purge', _T, ['POST']),
    ('topic_messages', _TOPIC + '/messages', _T, ['GET', 'POST']),
    ('topic_message', _TOPIC + '/messages/{message_id}',
     dict(_T, message_id='param/message_id'), ['GET', 'DELETE']),
    ('topic_subscriptions', _TOPIC + '/subscriptions{?marker,limit}',
     dict(_T, marker='param/marker', limit='param/subscription_limit'),
     ['GET', 'POST']),
    ('topic_subscription', _TOPIC + '/subscriptions/{subscriptions_id}',
     dict(_T, subscriptions_id='param/subscriptions_id'),
     ['GET', 'PATCH', 'DELETE']),
    ('topic_subscription_confirm',
     _TOPIC + '/subscriptions/{subscriptions_id}/confirm',
     dict(_T, subscriptions_id='param/subscriptions_id'), ['PUT']),
]

_ADMIN_RESOURCES = [
    ('pools', '/v2/pools{?detailed,limit,marker}',
     {'detailed': 'param/detailed', 'limit': 'param/pool_limit',
      'marker': 'param/marker'}, ['GET']),
    ('pool', '/v2/pools/{pool_name}', {'pool_name': 'param/pool_name'},
     ['GET', 'PUT', 'PATCH', 'DELETE']),
    ('flavors', '/v2/flavors{?detailed,limit,marker}',
     {'detailed': 'param/detailed', 'limit': 'param/flavor_limit',
      'marker': 'param/marker'}, ['GET']),
    ('flavor', '/v2/flavors/{flavor_name}',
     {'flavor_name': 'param/flavor_name'},
     ['GET', 'PUT', 'PATCH', 'DELETE']),
    ('health', '/v2/health', None, ['GET']),
]


def _entry(href, href_vars, allow):
    hints = {'allow': allow, 'formats': _JSON}
    if 'POST' in allow or 'PUT' in allow:
        hints['accept-post'] = ['application/json']
    if href_vars is None:
        return {'href': href, 'hints': hints}
    return {'href-template': href, 'href-vars': href_vars, 'hints': hints}


def render(admin_mode: bool, extra: list | None = None) -> bytes:
    """The pretty-printed JSON-Home document for this deployment."""
    entries = _PROJECT_RESOURCES + _TOPIC_RESOURCES + list(extra or [])
    if admin_mode:
        entries += _ADMIN_RESOURCES
    resources = {f'rel/{rel}': _entry(href, href_vars, allow)
                 for rel, href, href_vars, allow in entries}
    return json.dumps({'resources': resources}, indent=4).encode()
