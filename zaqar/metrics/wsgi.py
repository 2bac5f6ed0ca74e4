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

"""Request counts and latencies per route, and /metrics for admins."""

from __future__ import annotations

import time

from zaqar.common import routes
from zaqar.metrics import exposition, registry

PATH = '/metrics'


class RequestMetrics:
    """Time every request; answer /metrics (through authentication).

    ``authenticate`` wraps a WSGI app in the deployment's authentication;
    the metrics page is served behind it to callers with the admin role (a
    Keystone token, or ``X-Roles: admin`` in development mode with
    ``admin_mode``).
    """

    def __init__(self, app, authenticate, admin_mode: bool, keystone: bool,
                 page: exposition.Page):
        self.app = app
        self.page = authenticate(_AdminOnly(page, admin_mode or keystone))

    def __call__(self, environ, start_response):
        path = environ.get('PATH_INFO', '')
        if path == PATH:
            return self.page(environ, start_response)
        method = environ.get('REQUEST_METHOD', 'GET')
        started = time.perf_counter()
        status = ['500']

        def record_status(code, headers, exc_info=None):
            status[0] = code[:3]
            return start_response(code, headers, exc_info)

        try:
            return self.app(environ, record_status)
        finally:
            route = routes.template(path)
            registry.REQUESTS.labels(method, route, status[0]).inc()
            registry.REQUEST_DURATION.labels(method, route, status[0]).observe(
                time.perf_counter() - started)


class _AdminOnly:
    def __init__(self, page, admins_allowed: bool):
        self.page = page
        self.admins_allowed = admins_allowed

    def __call__(self, environ, start_response):
        roles = {r.strip() for r in
                 (environ.get('HTTP_X_ROLES') or '').split(',')}
        if self.admins_allowed and 'admin' in roles:
            return self.page(environ, start_response)
        body = (b'{"title": "Not authorized", "description": "The metrics '
                b'are for admins."}')
        start_response('403 Forbidden', [
            ('Content-Type', 'application/json'),
            ('Content-Length', str(len(body)))])
        return [body]
