"""/v2/queues and /v2/queues/{name}[/stats|/purge]."""

from __future__ import annotations

import pecan

from zaqar.api import metadata as meta
from zaqar.common import errors
from zaqar.transport.wsgi import params, render
from zaqar.transport.wsgi.controllers import base
from zaqar.transport.wsgi.controllers.v2 import (
    claims,
    messages,
    share,
    subscriptions,
)


class NamedCollection(base.Resource):
    """GET /v2/<kind>s: a page of names, shared by queues and topics.

    ``kind`` names the list action (``<kind>_list``), the path segment and
    the body key.
    """

    kind = ''

    def on_get(self):
        req = pecan.request
        query = {
            'limit': params.get_int(req, 'limit', 10),
            'detailed': params.get_bool(req, 'detailed'),
            'name': params.get_str(req, 'name'),
            'with_count': params.get_bool(req, 'with_count'),
        }
        found, next_marker, count = self.call(
            f'{self.kind}_list', marker=params.get_str(req, 'marker'),
            **query)
        path = f'/v2/{self.kind}s'
        items = []
        for entry in found:
            item = {'name': entry.name}
            if query['detailed']:
                item['metadata'] = entry.metadata
            item['href'] = f'{path}/{entry.name}'
            items.append(item)
        links = []
        if items:
            shown = {k: v for k, v in query.items() if k in req.GET}
            links.append(render.next_link(path, shown, next_marker))
        body = {f'{self.kind}s': items, 'links': links}
        if count is not None:
            body['count'] = count
        return render.response(200, body)


class QueueCollection(NamedCollection):
    """GET /v2/queues; names below it route to one queue."""

    kind = 'queue'

    @pecan.expose()
    def _lookup(self, name, *remainder):
        return Queue(name), remainder


class Queue(base.Resource):
    """One queue: PUT/GET/HEAD/PATCH/DELETE and its sub-resources."""

    def __init__(self, name: str):
        self.name = name
        self.href = f'/v2/queues/{name}'
        self.stats = QueueStats(name)
        self.purge = QueuePurge(name)
        self.share = share.QueueShare(name)
        self.messages = messages.MessageCollection(name)
        self.claims = claims.ClaimCollection(name)
        self.subscriptions = subscriptions.SubscriptionCollection(name)

    def on_put(self):
        created = self.call('queue_create', queue_name=self.name,
                            payload=self.payload())
        return render.response(201 if created else 204,
                               headers={'Location': self.href})

    def on_get(self):
        return render.response(200, self.call('queue_get',
                                              queue_name=self.name))

    def on_head(self):
        exists = self.call('queue_exists', queue_name=self.name)
        return render.response(204 if exists else 404)

    def on_patch(self):
        content_type = (pecan.request.content_type or '').lower()
        if content_type != meta.PATCH_MEDIA_TYPE:
            raise errors.UnsupportedMediaType(
                "Accepted media type for PATCH: {'Accept-Patch': "
                f"'{meta.PATCH_MEDIA_TYPE}'}}.")
        return render.response(200, self.call(
            'queue_update', queue_name=self.name, payload=self.payload()))

    def on_delete(self):
        self.call('queue_delete', queue_name=self.name)
        return render.no_content()


class QueueStats(base.Resource):
    def __init__(self, name: str):
        self.name = name

    def on_get(self):
        result = self.call('queue_get_stats', queue_name=self.name)
        return render.response(200, render.stats(
            result, f'/v2/queues/{self.name}'))


class QueuePurge(base.Resource):
    def __init__(self, name: str):
        self.name = name

    def on_post(self):
        self.call('queue_purge', queue_name=self.name,
                  payload=self.payload())
        return render.no_content()
