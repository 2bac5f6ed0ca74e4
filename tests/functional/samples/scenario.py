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

"""The story the API reference samples come from, played on a live server.

Each step sends one documented request and records what was sent and
what came back under the sample's file name (``api-ref/source/samples``).
A step whose route answers 404 is not served by this build yet: it is
recorded as missing and its hand-written sample stays as it is.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from tests.functional import server as fserver

PROJECT = 'demo-project'
CLIENT = '3381af92-2b9e-11e3-b191-71861300734c'
OTHER_CLIENT = '9d0b8e66-3f6c-4b9a-8c5c-0f0e6a1b2c3d'
QUEUE = 'orders'
# A fixed expiry so the signed-URL sample is stable.
EXPIRES = '2036-01-01T00:00:00'


@dataclasses.dataclass
class Recorder:
    """Samples by file name, and the steps the server does not serve."""

    samples: dict[str, Any] = dataclasses.field(default_factory=dict)
    missing: list[str] = dataclasses.field(default_factory=list)

    def call(self, client: fserver.Client, method: str, path: str,
             name: str, body: Any = None, request: bool = True,
             expect: int | tuple = (200, 201, 204), **kwargs):
        """Send; record ``<name>-request.json``/``-response.json``."""
        if body is not None:
            kwargs['json'] = body
        resp = client.request(method, path, **kwargs)
        if resp.status_code == 404 and not isinstance(expect, int):
            self.missing.append(name)
            return None
        expected = (expect,) if isinstance(expect, int) else expect
        if resp.status_code not in expected:
            raise AssertionError(f'{method} {path}: {resp.status_code} '
                                 f'{resp.text}')
        if body is not None and request:
            self.samples[f'{name}-request.json'] = body
        if resp.content:
            self.samples[f'{name}-response.json'] = resp.json()
        return resp


def play(url: str) -> Recorder:
    """Run the whole story against the server at ``url``."""
    rec = Recorder()
    me = fserver.Client(url, project=PROJECT, client_id=CLIENT)
    other = fserver.Client(url, project=PROJECT, client_id=OTHER_CLIENT)
    admin = fserver.Client(url, project=PROJECT, client_id=CLIENT,
                           roles='admin')
    q = f'/v2/queues/{QUEUE}'

    rec.call(me, 'GET', '/', 'versions', expect=300)
    rec.call(me, 'GET', '/v2/', 'home', expect=200)

    # Queues
    rec.call(me, 'PUT', q, 'queue-create', expect=201, body={
        'description': 'Orders from the web shop',
        '_default_message_ttl': 3600, '_max_messages_post_size': 262144})
    rec.call(me, 'PUT', '/v2/queues/returns', 'queue-create-2', expect=201,
             request=False, body={'description': 'Returned items'})
    rec.call(me, 'GET', q, 'queue-get', expect=200)
    rec.call(me, 'PATCH', q, 'queue-update', expect=200, body=[
        {'op': 'replace', 'path': '/metadata/description',
         'value': 'Orders from the web shop and the app'},
        {'op': 'add', 'path': '/metadata/_max_claim_count', 'value': 5}],
        headers={'Content-Type':
                 'application/openstack-messaging-v2.0-json-patch'})
    rec.call(me, 'GET', '/v2/queues?detailed=true&limit=2&with_count=true',
             'queues-list', expect=200)

    # Messages
    rec.call(me, 'POST', q + '/messages', 'messages-post', expect=201,
             body={'messages': [
                 {'ttl': 900, 'body': {'order': 1001, 'sku': 'A-12'},
                  'dedup_id': 'order-1001', 'group': 'customer-42'},
                 {'body': {'order': 1002, 'sku': 'B-7'}}]})
    listed = rec.call(other, 'GET', q + '/messages?limit=2',
                      'messages-list', expect=200).json()
    ids = [m['id'] for m in listed['messages']]
    rec.call(me, 'GET', f'{q}/messages?ids={",".join(ids)}',
             'messages-get-by-ids', expect=200)
    rec.call(me, 'GET', f'{q}/messages/{ids[0]}', 'message-get',
             expect=200)

    # Claims
    claim = rec.call(me, 'POST', q + '/claims?limit=1', 'claim-create',
                     expect=201, body={'ttl': 300, 'grace': 60})
    claim_path = claim.headers['Location']
    rec.call(me, 'GET', claim_path, 'claim-get', expect=200)
    rec.call(me, 'PATCH', claim_path, 'claim-update', expect=204,
             body={'ttl': 600, 'grace': 120})
    rec.call(me, 'GET', q + '/stats', 'queue-stats', expect=200)
    rec.call(me, 'DELETE', claim_path, 'claim-delete', expect=204)
    rec.call(me, 'DELETE', q + '/messages?pop=1', 'messages-pop',
             expect=200)

    # Subscriptions
    created = rec.call(me, 'POST', q + '/subscriptions',
                       'subscription-create', body={
                           'subscriber': 'http://shop.example.com/hook',
                           'ttl': 3600,
                           'options': {'post_headers': {'X-Shop': 'web'}}})
    if created is None:
        rec.missing += ['subscriptions-list', 'subscription-get',
                        'subscription-update', 'subscription-confirm']
    else:
        sub = f'{q}/subscriptions/{created.json()["subscription_id"]}'
        rec.call(me, 'GET', q + '/subscriptions', 'subscriptions-list')
        rec.call(me, 'GET', sub, 'subscription-get')
        rec.call(me, 'PATCH', sub, 'subscription-update',
                 body={'ttl': 7200})
        rec.call(me, 'PUT', sub + '/confirm', 'subscription-confirm',
                 body={'confirmed': True})

    # Signed URLs
    rec.call(me, 'POST', q + '/share', 'queue-share', body={
        'paths': ['messages', 'claims'], 'methods': ['GET', 'POST'],
        'expires': EXPIRES})

    _redrive(rec, me)

    rec.call(me, 'POST', q + '/purge', 'queue-purge', expect=204,
             body={'resource_types': ['messages', 'subscriptions']})
    rec.call(me, 'DELETE', '/v2/queues/returns', 'queue-delete',
             expect=204)

    # Admin
    rec.call(admin, 'GET', '/v2/health', 'health', expect=200)
    _pools_and_flavors(rec, admin)
    return rec


def _redrive(rec: Recorder, me: fserver.Client) -> None:
    """Two dead letters go back to the orders queue."""
    dlq = '/v2/queues/orders-dlq'
    me.put(dlq)
    me.post(dlq + '/messages', json={'messages': [
        {'body': {'order': 1003, 'sku': 'C-3'}},
        {'body': {'order': 1004, 'sku': 'D-9'}}]})
    started = rec.call(me, 'POST', dlq + '/redrive', 'redrive-create',
                       expect=(202,), body={'destination': QUEUE,
                                            'max_messages': 500, 'rate': 50})
    if started is None:
        rec.missing.append('redrive-get')
        return
    task = started.headers['Location']
    deadline = time.monotonic() + 30
    while (me.get(task).json()['state'] != 'done'
           and time.monotonic() < deadline):
        time.sleep(0.2)
    rec.call(me, 'GET', task, 'redrive-get', expect=200)


def _pools_and_flavors(rec: Recorder, admin: fserver.Client) -> None:
    created = rec.call(admin, 'PUT', '/v2/pools/pool-a', 'pool-create',
                       body={'weight': 100, 'uri': 'redis://127.0.0.1:6379',
                             'options': {}})
    if created is None:
        rec.missing += ['pool-get', 'pools-list', 'pool-update',
                        'flavor-create', 'flavor-get', 'flavors-list',
                        'flavor-update']
        return
    rec.call(admin, 'GET', '/v2/pools/pool-a?detailed=true', 'pool-get')
    rec.call(admin, 'GET', '/v2/pools?detailed=true', 'pools-list')
    rec.call(admin, 'PATCH', '/v2/pools/pool-a', 'pool-update',
             body={'weight': 50})
    rec.call(admin, 'PUT', '/v2/flavors/fast', 'flavor-create',
             body={'pool_list': ['pool-a'], 'capabilities': {}})
    rec.call(admin, 'GET', '/v2/flavors/fast', 'flavor-get')
    rec.call(admin, 'GET', '/v2/flavors?detailed=true', 'flavors-list')
    rec.call(admin, 'PATCH', '/v2/flavors/fast', 'flavor-update',
             body={'pool_list': ['pool-a']})
