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

"""/v2/ping (liveness, open) and /v2/health (admin's storage probe)."""

from __future__ import annotations

from zaqar.transport.wsgi import render
from zaqar.transport.wsgi.controllers import base


class Ping(base.Resource):
    def on_get(self):
        alive = self.call('ping')
        if alive:
            return render.no_content()
        return render.response(503, {
            'title': 'Service temporarily unavailable',
            'description': 'The storage cannot be reached. Please try again '
                           'in a few seconds.'})

    on_head = on_get


class Health(base.Resource):
    def on_get(self):
        return render.response(200, self.call('health'))
