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

"""oslo.middleware's CORS and proxy-header filters, keeping Location as sent.

The library re-wraps each response in WebOb, which turns the API's relative
``Location`` headers (``/v2/queues/q``) into absolute URLs; these subclasses
run the same filters with a response class that leaves headers alone.
"""

from __future__ import annotations

import webob.dec
from oslo_middleware import base, cors, http_proxy_to_wsgi


class _Response(base.NoContentTypeResponse):
    def _abs_headerlist(self, environ):
        return list(self.headerlist)


class _Request(base.NoContentTypeRequest):
    ResponseClass = _Response


class _KeepsLocation:
    """The filter's request/response steps around the wrapped app."""

    @webob.dec.wsgify(RequestClass=_Request)
    def __call__(self, req):
        response = self.process_request(req)
        if response:
            return response
        response = req.get_response(self.application)
        return self.process_response(response, request=req)


class CORS(_KeepsLocation, cors.CORS):
    """Cross-origin resource sharing, configured by ``[cors]``."""

    def __call__(self, environ, start_response):
        # Without an Origin header CORS neither answers nor adds headers:
        # skip the WebOb round trip (most API traffic is not from browsers).
        if 'HTTP_ORIGIN' not in environ:
            return self.application(environ, start_response)
        return super().__call__(environ, start_response)


class HTTPProxyToWSGI(_KeepsLocation, http_proxy_to_wsgi.HTTPProxyToWSGI):
    """Scheme/host from a trusted proxy's headers ([oslo_middleware])."""

    def process_response(self, response, request=None):
        # The library's step takes no request; nothing to change here.
        return response
