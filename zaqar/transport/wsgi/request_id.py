"""x-openstack-request-id on every response, as plain WSGI.

oslo.middleware's RequestId re-wraps responses in WebOb, which rewrites
relative Location headers into absolute ones; this one passes them through.
"""

from __future__ import annotations

from oslo_context import context as oslo_context

ENV_KEY = 'openstack.request_id'
HEADER = 'x-openstack-request-id'


class RequestId:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        request_id = oslo_context.generate_request_id()
        environ[ENV_KEY] = request_id

        def start(status, headers, exc_info=None):
            headers = [h for h in headers if h[0].lower() != HEADER]
            headers.append((HEADER, request_id))
            return start_response(status, headers, exc_info)

        return self.app(environ, start)
