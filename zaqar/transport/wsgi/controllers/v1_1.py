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

"""/v1.1: the two routes stock Heat guest tooling still speaks.

heat-agents' ``heat-config-notify`` signals a software deployment with
python-zaqarclient's v1.1 client (``queue.post``), and os-collect-config
releases before the v2 switch read deployments with its ``queue.pop``.
Those are POST and DELETE(pop) of ``/v1.1/queues/<name>/messages``; each
is a wire adapter over the v2 operation of the same name. Every other
``/v1.1`` path answers 404, as ``/v1`` does.
"""

from __future__ import annotations

import pecan

from zaqar.transport.wsgi import params, render
from zaqar.transport.wsgi.controllers import base
from zaqar.transport.wsgi.controllers.v2 import messages as v2_messages
from zaqar.transport.wsgi.v1_1_routes import PREFIX


def _message(msg, base_href: str) -> dict:
    """A message as the v1.1 client builds its objects from (no extras)."""
    shown = render.message(msg, base_href)
    return {key: shown[key] for key in ('id', 'href', 'ttl', 'age', 'body')}


class Messages(base.Resource):
    """POST (post messages) and DELETE (pop or delete by ids)."""

    def __init__(self, queue_name: str):
        self.queue_name = queue_name
        self.base = f'{PREFIX}/queues/{queue_name}'

    def on_post(self):
        return v2_messages.post(self, self.queue_name, self.base)

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
            _message(m, self.base) for m in popped]})


class _Queue:
    """Only ``messages`` below a queue name; nothing else routes."""

    def __init__(self, name: str):
        self.name = name

    @pecan.expose()
    def _lookup(self, what, *remainder):
        if what == 'messages' and not [r for r in remainder if r]:
            return Messages(self.name), ()
        pecan.abort(404)


class _Queues:
    @pecan.expose()
    def _lookup(self, name, *remainder):
        return _Queue(name), remainder


class V1_1:
    """The /v1.1 root: ``queues`` and nothing else (no home document)."""

    def __init__(self):
        self.queues = _Queues()

    @pecan.expose()
    def index(self):
        pecan.abort(404)
