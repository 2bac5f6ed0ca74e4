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

"""/v2/topics[/{name}[/stats|/purge|/messages[/{id}]|/subscriptions...]].

A topic answers like a queue except that posted messages are delivered to
its subscriptions and never kept (see ``zaqar.api.topics``): listing its
messages is always empty and a message id is always 404.
"""

from __future__ import annotations

import pecan

from zaqar.transport.wsgi import params, render
from zaqar.transport.wsgi.controllers import base
from zaqar.transport.wsgi.controllers.v2 import queues, subscriptions


class TopicCollection(queues.NamedCollection):
    """GET /v2/topics; names below it route to one topic."""

    kind = 'topic'

    @pecan.expose()
    def _lookup(self, name, *remainder):
        return Topic(name), remainder


class Topic(queues.NamedResource):
    """One topic: the named-resource methods, its messages and subscribers."""

    def __init__(self, name: str):
        super().__init__('topic', name)
        self.messages = TopicMessages(name)
        self.subscriptions = subscriptions.SubscriptionCollection(
            name, 'topics')


class TopicMessages(base.Resource):
    """Post (fan out) and list (always empty)."""

    def __init__(self, name: str):
        self.name = name
        self.base = f'/v2/topics/{name}'

    def on_post(self):
        ids = self.call('topic_message_post', topic_name=self.name,
                        payload=self.payload())
        hrefs = [f'{self.base}/messages/{i}' for i in ids]
        return render.response(
            201, {'resources': hrefs},
            {'Location': f'{self.base}/messages?ids={",".join(ids)}'})

    def on_get(self):
        found, _ = self.call('topic_message_list', topic_name=self.name,
                             limit=params.get_int(pecan.request, 'limit',
                                                  10))
        return render.response(200, {'messages': found, 'links': []})

    @pecan.expose()
    def _lookup(self, message_id, *remainder):
        return TopicMessage(self.name, message_id), remainder


class TopicMessage(base.Resource):
    def __init__(self, name: str, message_id: str):
        self.name = name
        self.message_id = message_id

    def on_get(self):
        self.call('topic_message_get', topic_name=self.name,
                  message_id=self.message_id)

    def on_delete(self):
        self.call('topic_message_delete', topic_name=self.name,
                  message_id=self.message_id)
        return render.no_content()
