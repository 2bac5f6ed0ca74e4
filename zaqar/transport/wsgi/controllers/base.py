"""The shape every resource controller shares: dispatch by HTTP method."""

from __future__ import annotations

import pecan

from zaqar.api import actions
from zaqar.api.payload import Payload
from zaqar.common import errors
from zaqar.transport.wsgi import hooks


class Resource:
    """A path whose HTTP methods map to ``on_<method>`` handlers.

    Unknown methods answer 405 with an ``Allow`` header listing the
    handlers plus OPTIONS.
    """

    @pecan.expose(content_type='application/json')
    def index(self):
        method = pecan.request.method.lower()
        handler = getattr(self, 'on_' + method, None)
        if handler is None:
            allowed = sorted(name[3:].upper() for name in dir(self)
                             if name.startswith('on_'))
            raise errors.MethodNotAllowed(
                headers={'Allow': ', '.join(allowed + ['OPTIONS'])})
        return handler()

    @staticmethod
    def call(action: str, **params):
        """Run one operation for the current request's context."""
        return actions.dispatch(pecan.request.environ['zaqar.service'],
                                hooks.context(), action, **params)

    @staticmethod
    def payload() -> Payload:
        """The request body, sized by Content-Length (None when absent)."""
        req = pecan.request
        if req.content_length is None and not req.is_body_readable:
            return Payload(None)
        return Payload(req.body, size=req.content_length)
