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
    redrive,
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


class _Named(base.Resource):
    """A resource under /v2/<kind>s/<name>, calling ``<kind>_*`` actions."""

    def __init__(self, kind: str, name: str):
        self.kind = kind
        self.name = name
        self.href = f'/v2/{kind}s/{name}'

    def action(self, what: str, **params):
        """Run ``<kind>_<what>`` on this name."""
        params[f'{self.kind}_name'] = self.name
        return self.call(f'{self.kind}_{what}', **params)


class NamedResource(_Named):
    """PUT/GET/PATCH/DELETE of one queue or topic, plus stats and purge."""

    def __init__(self, kind: str, name: str):
        super().__init__(kind, name)
        self.stats = Stats(kind, name)
        self.purge = Purge(kind, name)

    def on_put(self):
        created = self.action('create', payload=self.payload())
        return render.response(201 if created else 204,
                               headers={'Location': self.href})

    def on_get(self):
        return render.response(200, self.action('get'))

    def on_patch(self):
        content_type = (pecan.request.content_type or '').lower()
        if content_type != meta.PATCH_MEDIA_TYPE:
            raise errors.UnsupportedMediaType(
                "Accepted media type for PATCH: {'Accept-Patch': "
                f"'{meta.PATCH_MEDIA_TYPE}'}}.")
        return render.response(200, self.action('update',
                                                payload=self.payload()))

    def on_delete(self):
        self.action('delete')
        return render.no_content()


class Stats(_Named):
    def on_get(self):
        return render.response(200, render.stats(self.action('get_stats'),
                                                 self.href))


class Purge(_Named):
    def on_post(self):
        self.action('purge', payload=self.payload())
        return render.no_content()


class Queue(NamedResource):
    """One queue: the named-resource methods, HEAD, and what a queue holds."""

    def __init__(self, name: str):
        super().__init__('queue', name)
        self.share = share.QueueShare(name)
        self.redrive = redrive.RedriveCollection(name)
        self.messages = messages.MessageCollection(name)
        self.claims = claims.ClaimCollection(name)
        self.subscriptions = subscriptions.SubscriptionCollection(name)

    def on_head(self):
        exists = self.action('exists')
        return render.response(204 if exists else 404)
