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

"""/v2/queues/{name}/redrive[/{id}]: dead-letter redrive tasks."""

from __future__ import annotations

import pecan

from zaqar.transport.wsgi import render
from zaqar.transport.wsgi.controllers import base


class RedriveCollection(base.Resource):
    """POST starts a task (202 with its Location)."""

    def __init__(self, queue_name: str):
        self.queue_name = queue_name
        self.href = f'/v2/queues/{queue_name}/redrive'

    def on_post(self):
        task = self.call('redrive_create', queue_name=self.queue_name,
                         payload=self.payload())
        return render.response(202, task,
                               {'Location': f'{self.href}/{task["id"]}'})

    @pecan.expose()
    def _lookup(self, redrive_id, *remainder):
        return RedriveTask(self.queue_name, redrive_id), remainder


class RedriveTask(base.Resource):
    """GET shows a task; DELETE cancels it."""

    def __init__(self, queue_name: str, redrive_id: str):
        self.queue_name = queue_name
        self.redrive_id = redrive_id

    def on_get(self):
        return render.response(200, self.call(
            'redrive_get', queue_name=self.queue_name,
            redrive_id=self.redrive_id))

    def on_delete(self):
        self.call('redrive_cancel', queue_name=self.queue_name,
                  redrive_id=self.redrive_id)
        return render.no_content()
