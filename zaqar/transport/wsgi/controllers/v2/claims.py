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

"""/v2/queues/{name}/claims[/{id}]."""

from __future__ import annotations

import pecan

from zaqar.transport.wsgi import params, render
from zaqar.transport.wsgi.controllers import base


class ClaimCollection(base.Resource):
    def __init__(self, queue_name: str):
        self.queue_name = queue_name
        self.base = f'/v2/queues/{queue_name}'

    def on_post(self):
        claim_id, claimed = self.call(
            'claim_create', queue_name=self.queue_name,
            payload=self.payload(),
            limit=params.get_int(pecan.request, 'limit'),
            wait=params.get_int(pecan.request, 'wait'))
        if not claimed:
            return render.no_content()
        return render.response(
            201, {'messages': [render.message(m, self.base)
                               for m in claimed]},
            {'Location': f'{self.base}/claims/{claim_id}'})

    @pecan.expose()
    def _lookup(self, claim_id, *remainder):
        return Claim(self.queue_name, claim_id), remainder


class Claim(base.Resource):
    def __init__(self, queue_name: str, claim_id: str):
        self.queue_name = queue_name
        self.claim_id = claim_id
        self.base = f'/v2/queues/{queue_name}'

    def on_get(self):
        claim = self.call('claim_get', queue_name=self.queue_name,
                          claim_id=self.claim_id)
        return render.response(200, {
            'age': claim.age, 'ttl': claim.ttl,
            'messages': [render.message(m, self.base)
                         for m in claim.messages],
            'href': f'{self.base}/claims/{claim.id}'})

    def on_patch(self):
        self.call('claim_update', queue_name=self.queue_name,
                  claim_id=self.claim_id, payload=self.payload())
        return render.no_content()

    def on_delete(self):
        self.call('claim_delete', queue_name=self.queue_name,
                  claim_id=self.claim_id)
        return render.no_content()
