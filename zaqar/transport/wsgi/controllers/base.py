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

"""The shape every resource controller shares: dispatch by HTTP method."""

from __future__ import annotations

import io

import pecan
from webob import request as webob_request

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
        length = req.content_length
        if length is None:
            if not req.is_body_readable:
                return Payload(None)
            return Payload(req.body, size=length)
        return Payload(_declared_body(req.environ, length), size=length)


def _declared_body(environ: dict, length: int) -> bytes:
    """The ``length`` bytes of the body, read once.

    WebOb's ``Request.body`` first copies the input into a seekable buffer
    and then reads that; this reads the input itself and leaves the same
    seekable buffer behind for any later reader. A short body fails as
    WebOb's does.
    """
    if length <= 0:  # WebOb reads nothing either
        return b''
    if environ.get('webob.is_body_seekable'):
        stream = environ['wsgi.input']
        stream.seek(0)
        return stream.read(length)
    body = environ['wsgi.input'].read(length)
    if len(body) < length:
        raise webob_request.DisconnectionError(
            f'Client disconnected ({length - len(body)} more bytes were '
            f'expected)')
    environ['wsgi.input'] = io.BytesIO(body)
    environ['webob.is_body_seekable'] = True
    return body
