"""/v2/topics[/{name}[/stats|/purge|/messages[/{id}]|/subscriptions...]].

A topic answers like a queue except that posted messages are delivered to
its subscriptions and never kept (see ``zaqar.api.topics``): listing its
messages is always empty and a message id is always 404.
"""

from __future__ import annotations

import pecan

from zaqar.api import metadata as meta
from zaqar.common import errors
from zaqar.transport.wsgi import params, render
from zaqar.transport.wsgi.controllers import base
from zaqar.transport.wsgi.controllers.v2 import queues, subscriptions


class TopicCollection(queues.NamedCollection):
    """GET /v2/topics; names below it route to one topic."""

    kind = 'topic'

    @pecan.expose()
    def _lookup(self, name, *remainder):
        return Topic(name), remainder


class Topic(base.Resource):
    """One topic: PUT/GET/PATCH/DELETE and its sub-resources."""

    def __init__(self, name: str):
        self.name = name
        self.href = f'/v2/topics/{name}'
        self.stats = TopicStats(name)
        self.purge = TopicPurge(name)
        self.messages = TopicMessages(name)
        self.subscriptions = subscriptions.SubscriptionCollection(
            name, 'topics')

    def on_put(self):
        created = self.call('topic_create', topic_name=self.name,
                            payload=self.payload())
        return render.response(201 if created else 204,
                               headers={'Location': self.href})

    def on_get(self):
        return render.response(200, self.call('topic_get',
                                              topic_name=self.name))

    def on_patch(self):
        content_type = (pecan.request.content_type or '').lower()
        if content_type != meta.PATCH_MEDIA_TYPE:
            raise errors.UnsupportedMediaType(
                "Accepted media type for PATCH: {'Accept-Patch': "
                f"'{meta.PATCH_MEDIA_TYPE}'}}.")
        return render.response(200, self.call(
            'topic_update', topic_name=self.name, payload=self.payload()))

    def on_delete(self):
        self.call('topic_delete', topic_name=self.name)
        return render.no_content()


class TopicStats(base.Resource):
    def __init__(self, name: str):
        self.name = name

    def on_get(self):
        result = self.call('topic_get_stats', topic_name=self.name)
        return render.response(200, render.stats(result,
                                                 f'/v2/topics/{self.name}'))


class TopicPurge(base.Resource):
    def __init__(self, name: str):
        self.name = name

    def on_post(self):
        self.call('topic_purge', topic_name=self.name,
                  payload=self.payload())
        return render.no_content()


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
