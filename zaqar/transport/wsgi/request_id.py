"""x-openstack-request-id on every response, as plain WSGI.

oslo.middleware's RequestId re-wraps responses in WebOb, which rewrites
relative Location headers into absolute ones; this one passes them through.
"""

from __future__ import annotations

import os
import random
import uuid

# Request ids are public correlation ids, not secrets.
_random = random.Random()  # nosec B311
# Forked workers must not replay the parent's sequence.
os.register_at_fork(after_in_child=_random.seed)

ENV_KEY = 'openstack.request_id'
HEADER = 'x-openstack-request-id'


def _new_request_id() -> str:
    """req-<uuid4>; a tracing id, so the fast PRNG is enough (no syscall)."""
    return 'req-' + str(uuid.UUID(int=_random.getrandbits(128), version=4))


class RequestId:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        request_id = _new_request_id()
        environ[ENV_KEY] = request_id

        def start(status, headers, exc_info=None):
            headers = [h for h in headers if h[0].lower() != HEADER]
            headers.append((HEADER, request_id))
            return start_response(status, headers, exc_info)

        return self.app(environ, start)
