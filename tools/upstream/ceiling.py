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

"""The framework ceiling: a minimal Pecan app that answers zaqar-bench.

It serves the routes zaqar-bench uses with the wire shapes the benchmark
reads, parses and renders JSON like a real service, and makes exactly one
Redis round trip per request (a list per queue), but checks nothing:
no Client-ID, project, policy, schema or limits. Whatever this does per
second under the same WSGI server is the most a Pecan service on one Redis
round trip can do on this machine: the third column of compare-upstream.

Configured by ZAQAR_CEILING_REDIS (redis://host:port/db).
"""

from __future__ import annotations

import json
import os
import uuid

import pecan
import redis
from pecan import expose, request, response

_REDIS = redis.Redis.from_url(
    os.environ.get('ZAQAR_CEILING_REDIS', 'redis://127.0.0.1:6379/3'))


def _key(queue: str) -> str:
    return 'ceiling:' + queue


class MessagesController:

    def __init__(self, queue: str):
        self.queue = queue

    @expose('json')
    def _default(self, message_id=None, **kw):
        if request.method == 'DELETE':
            _REDIS.delete(_key(self.queue) + ':' + message_id)
            response.status = 204
            return None
        pecan.abort(405)

    @expose('json', generic=True)
    def index(self, limit='10', **kw):
        raw = _REDIS.lrange(_key(self.queue), 0, int(limit) - 1)
        return {'messages': [json.loads(m) for m in raw], 'links': []}

    @index.when(method='POST', template='json')
    def post(self, **kw):
        messages = json.loads(request.body)['messages']
        base = f'/v2/queues/{self.queue}/messages/'
        stored = []
        for message in messages:
            mid = uuid.uuid4().hex
            stored.append(json.dumps({'id': mid, 'href': base + mid,
                                      'body': message['body'],
                                      'ttl': message.get('ttl', 3600),
                                      'age': 0}))
        _REDIS.rpush(_key(self.queue), *stored)
        response.status = 201
        return {'resources': [base + json.loads(m)['id'] for m in stored]}


class ClaimsController:

    def __init__(self, queue: str):
        self.queue = queue

    @expose('json', generic=True)
    def index(self, **kw):
        pecan.abort(405)

    @index.when(method='POST', template='json')
    def post(self, limit='10', **kw):
        json.loads(request.body or b'{}')
        raw = _REDIS.lpop(_key(self.queue), int(limit)) or []
        if not raw:
            response.status = 204
            return None
        claim = uuid.uuid4().hex
        messages = []
        for item in raw:
            message = json.loads(item)
            message['href'] += '?claim_id=' + claim
            messages.append(message)
        response.status = 201
        response.headers['Location'] = (
            f'/v2/queues/{self.queue}/claims/{claim}')
        return {'messages': messages}


class QueueController:

    def __init__(self, queue: str):
        self.queue = queue
        self.messages = MessagesController(queue)
        self.claims = ClaimsController(queue)

    @expose('json', generic=True)
    def index(self):
        return {}

    @index.when(method='PUT', template='json')
    def put(self):
        _REDIS.exists(_key(self.queue))
        response.status = 201

    @index.when(method='DELETE', template='json')
    def delete(self):
        _REDIS.delete(_key(self.queue))
        response.status = 204

    @expose('json')
    def stats(self):
        total = _REDIS.llen(_key(self.queue))
        return {'messages': {'free': total, 'claimed': 0, 'total': total}}


class QueuesController:

    @expose()
    def _lookup(self, name, *remainder):
        return QueueController(name), remainder


class V2Controller:
    queues = QueuesController()

    @expose('json')
    def index(self):
        return {'resources': {}}

    @expose()
    def ping(self):
        _REDIS.ping()
        response.status = 204


class RootController:
    v2 = V2Controller()


application = pecan.make_app(RootController(), force_canonical=False,
                             guess_content_type_from_ext=False)
