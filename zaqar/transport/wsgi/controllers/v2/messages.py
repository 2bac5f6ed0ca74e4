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

"""/v2/queues/{name}/messages[/{id}]."""

from __future__ import annotations

import pecan

from zaqar.transport.wsgi import params, render
from zaqar.transport.wsgi.controllers import base


def post(resource: base.Resource, queue_name: str, queue_href: str):
    """Post the request's messages; 201 with their hrefs under
    ``queue_href`` (shared by the v2 and v1.1 routes)."""
    ids = resource.call('message_post', queue_name=queue_name,
                        payload=resource.payload())
    hrefs = [f'{queue_href}/messages/{i}' for i in ids]
    return render.response(
        201, {'resources': hrefs},
        {'Location': f'{queue_href}/messages?ids={",".join(ids)}'})


class MessageCollection(base.Resource):
    """Post, list, bulk get, bulk delete and pop."""

    def __init__(self, queue_name: str):
        self.queue_name = queue_name
        self.base = f'/v2/queues/{queue_name}'

    def on_post(self):
        return post(self, self.queue_name, self.base)

    def on_get(self):
        req = pecan.request
        ids = params.get_list(req, 'ids')
        if ids is not None:
            found = self.call('message_get_many', queue_name=self.queue_name,
                              ids=ids)
            return render.response(200, {'messages': [
                render.message(m, self.base) for m in found]})
        query = {
            'limit': params.get_int(req, 'limit', 10),
            'echo': params.get_bool(req, 'echo'),
            'include_claimed': params.get_bool(req, 'include_claimed'),
            'include_delayed': params.get_bool(req, 'include_delayed'),
        }
        found, next_marker = self.call(
            'message_list', queue_name=self.queue_name,
            marker=params.get_str(req, 'marker'),
            limit=query['limit'], echo=query['echo'],
            include_claimed=query['include_claimed'],
            include_delayed=query['include_delayed'],
            wait=params.get_int(req, 'wait'))
        links = []
        if found:
            shown = {k: v for k, v in query.items() if k in req.GET}
            links.append(render.next_link(f'{self.base}/messages', shown,
                                          next_marker))
        return render.response(200, {
            'messages': [render.message(m, self.base) for m in found],
            'links': links})

    def on_delete(self):
        req = pecan.request
        popped = self.call(
            'message_delete_many', queue_name=self.queue_name,
            ids=params.get_list(req, 'ids'),
            claim_ids=params.get_list(req, 'claim_ids'),
            pop=params.get_int(req, 'pop'))
        if popped is None:
            return render.no_content()
        return render.response(200, {'messages': [
            render.popped_message(m, self.base) for m in popped]})

    @pecan.expose()
    def _lookup(self, message_id, *remainder):
        return Message(self.queue_name, message_id), remainder


class Message(base.Resource):
    def __init__(self, queue_name: str, message_id: str):
        self.queue_name = queue_name
        self.message_id = message_id
        self.base = f'/v2/queues/{queue_name}'

    def on_get(self):
        found = self.call('message_get', queue_name=self.queue_name,
                          message_id=self.message_id)
        return render.response(200, render.message(found, self.base))

    def on_delete(self):
        self.call('message_delete', queue_name=self.queue_name,
                  message_id=self.message_id,
                  claim_id=params.get_str(pecan.request, 'claim_id'))
        return render.no_content()
