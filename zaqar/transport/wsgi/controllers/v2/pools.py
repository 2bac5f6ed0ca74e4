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

"""/v2/pools[/{name}] (admin): served only with admin_mode and pooling."""

from __future__ import annotations

import pecan

from zaqar.common import errors
from zaqar.storage import control
from zaqar.transport.wsgi import params, render
from zaqar.transport.wsgi.controllers import base


class AdminResource(base.Resource):
    """A resource that does not exist (404) unless pooling is on."""

    @pecan.expose(content_type='application/json')
    def index(self):
        storage = pecan.request.environ['zaqar.service'].storage
        if getattr(storage, 'catalog', None) is None:
            raise errors.RouteNotFound()
        return base.Resource.index(self)


def pool(item: control.Pool, detailed: bool = False) -> dict:
    """A pool as get, list and patch show it."""
    body = {'name': item.name, 'uri': item.uri, 'weight': item.weight,
            'flavor': item.flavor, 'href': f'/v2/pools/{item.name}'}
    if detailed:
        body['options'] = item.options
    return body


def page(path: str, key: str, items: list[dict]) -> object:
    """A list response: next link, items, and Content-Location."""
    req = pecan.request
    links = []
    if items:
        shown = {k: req.GET[k] for k in ('limit', 'detailed')
                 if k in req.GET}
        links.append(render.next_link(path, shown, items[-1]['name']))
    return render.response(200, {'links': links, key: items},
                           {'Content-Location': req.path_qs})


class PoolCollection(AdminResource):
    def on_get(self):
        req = pecan.request
        detailed = params.get_bool(req, 'detailed')
        pools = self.call('pool_list', marker=params.get_str(req, 'marker'),
                          limit=params.get_int(req, 'limit', 10))
        return page('/v2/pools', 'pools', [pool(p, detailed) for p in pools])

    @pecan.expose()
    def _lookup(self, name, *remainder):
        return Pool(name), remainder


class Pool(AdminResource):
    def __init__(self, name: str):
        self.name = name
        self.href = f'/v2/pools/{name}'

    def on_put(self):
        self.call('pool_create', pool_name=self.name, payload=self.payload())
        return render.response(201, headers={'Location': self.href})

    def on_get(self):
        detailed = params.get_bool(pecan.request, 'detailed')
        return render.response(200, pool(self.call(
            'pool_get', pool_name=self.name), detailed))

    def on_patch(self):
        return render.response(200, pool(self.call(
            'pool_update', pool_name=self.name, payload=self.payload())))

    def on_delete(self):
        self.call('pool_delete', pool_name=self.name)
        return render.no_content()
