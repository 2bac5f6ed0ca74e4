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

"""/ (versions document) and /v2 (home document and the v2 tree)."""

from __future__ import annotations

import pecan

from zaqar.transport import home
from zaqar.transport.wsgi import render
from zaqar.transport.wsgi.controllers import base, v1_1
from zaqar.transport.wsgi.controllers.v2 import (
    flavors,
    health,
    openapi,
    pools,
    queues,
    topics,
)

VERSIONS = {'versions': [{
    'id': '2',
    'status': 'CURRENT',
    'updated': '2014-9-24T04:06:47Z',
    'media-types': [{'base': 'application/json',
                     'type': 'application/vnd.openstack.messaging-v2+json'}],
    'links': [{'href': '/v2/', 'rel': 'self'}],
}]}


class V2(base.Resource):
    """GET /v2 and /v2/ both answer the home document."""

    def __init__(self, admin_mode: bool):
        self._home = home.render(admin_mode)
        self.queues = queues.QueueCollection()
        self.topics = topics.TopicCollection()
        self.ping = health.Ping()
        # A dotted segment: Pecan looks it up as an attribute by name. The
        # document follows whatever home document this object ends up with.
        setattr(self, 'openapi.json',
                openapi.OpenAPIDocument(lambda: self._home))
        if admin_mode:
            self.health = health.Health()
            # 404 unless pooling is on too (checked per request).
            self.pools = pools.PoolCollection()
            self.flavors = flavors.FlavorCollection()

    def on_get(self):
        # Checks the caller's headers like any v2 call, then serves the
        # pre-rendered document.
        resp = render.response(200)
        resp.content_type = 'application/json-home'
        resp.charset = None
        resp.body = self._home
        return resp


class Root(base.Resource):
    def __init__(self, admin_mode: bool):
        self.v2 = V2(admin_mode)
        # Heat guest tooling's few v1.1 routes (a dotted segment, as above).
        setattr(self, 'v1.1', v1_1.V1_1())

    def on_get(self):
        return render.response(300, VERSIONS)

    @pecan.expose()
    def _lookup(self, *remainder):
        pecan.abort(404)
