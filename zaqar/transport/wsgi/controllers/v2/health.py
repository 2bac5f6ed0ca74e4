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
