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

"""/v2/flavors[/{name}]: reads for members and readers, writes for admins."""

from __future__ import annotations

import pecan

from zaqar.transport.wsgi import params, render
from zaqar.transport.wsgi.controllers.v2 import pools


def flavor(view: dict) -> dict:
    """A flavor as get and patch show it."""
    return {'name': view['name'], 'capabilities': view['capabilities'],
            'pool_list': view['pool_list'],
            'href': f'/v2/flavors/{view["name"]}'}


def listed(view: dict, detailed: bool) -> dict:
    """A flavor as a list shows it (capabilities when detailed)."""
    body = {'name': view['name'], 'href': f'/v2/flavors/{view["name"]}',
            'pool_list': view['pool_list']}
    if detailed:
        body['capabilities'] = view['capabilities']
    return body


class FlavorCollection(pools.AdminResource):
    def on_get(self):
        req = pecan.request
        detailed = params.get_bool(req, 'detailed')
        flavors = self.call('flavor_list',
                            marker=params.get_str(req, 'marker'),
                            limit=params.get_int(req, 'limit', 10))
        return pools.page('/v2/flavors', 'flavors',
                          [listed(f, detailed) for f in flavors])

    @pecan.expose()
    def _lookup(self, name, *remainder):
        return Flavor(name), remainder


class Flavor(pools.AdminResource):
    def __init__(self, name: str):
        self.name = name
        self.href = f'/v2/flavors/{name}'

    def on_put(self):
        self.call('flavor_create', flavor_name=self.name,
                  payload=self.payload())
        return render.response(201, headers={'Location': self.href})

    def on_get(self):
        return render.response(200, flavor(self.call(
            'flavor_get', flavor_name=self.name)))

    def on_patch(self):
        return render.response(200, flavor(self.call(
            'flavor_update', flavor_name=self.name, payload=self.payload())))

    def on_delete(self):
        self.call('flavor_delete', flavor_name=self.name)
        return render.no_content()
