"""/v2/queues/{name}/share: create a signed URL for the queue."""

from __future__ import annotations

from zaqar.transport.wsgi import render
from zaqar.transport.wsgi.controllers import base


class QueueShare(base.Resource):
    def __init__(self, queue_name: str):
        self.queue_name = queue_name

    def on_post(self):
        return render.response(200, self.call(
            'queue_share', queue_name=self.queue_name,
            payload=self.payload()))
