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

"""x-openstack-request-id on every response, as plain WSGI.

A caller's own ``X-OpenStack-Request-ID`` (another service calling this
one) becomes the request's global request id, which the context carries to
logs and notifications.

oslo.middleware's RequestId re-wraps responses in WebOb, which rewrites
relative Location headers into absolute ones; this one passes them through.
"""

from __future__ import annotations

import re

from zaqar.common import ids

ENV_KEY = 'openstack.request_id'
GLOBAL_ENV_KEY = 'openstack.global_request_id'
HEADER = 'x-openstack-request-id'
# A caller's X-OpenStack-Request-ID is taken as the global request id only
# in the form OpenStack services generate (req-<uuid>), so logs and
# notifications carry no arbitrary text from the caller.
_GLOBAL_ID = re.compile(
    r'^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')


def _new_request_id() -> str:
    """req-<uuid4> (zaqar.common.ids: no system call per request)."""
    return 'req-' + ids.uuid4()


class RequestId:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        request_id = _new_request_id()
        environ[ENV_KEY] = request_id
        incoming = environ.get('HTTP_X_OPENSTACK_REQUEST_ID')
        if incoming and _GLOBAL_ID.match(incoming):
            environ[GLOBAL_ENV_KEY] = incoming

        def start(status, headers, exc_info=None):
            headers = [h for h in headers if h[0].lower() != HEADER]
            headers.append((HEADER, request_id))
            return start_response(status, headers, exc_info)

        return self.app(environ, start)
