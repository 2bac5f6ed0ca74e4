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

"""The WSGI application: the Pecan app inside its middleware onion."""

from __future__ import annotations

import logging

import pecan

from zaqar.conf import opts as conf_opts
from zaqar.serving import limits as serving_limits
from zaqar.transport.wsgi import (
    body_limit,
    direct_routes,
    filters,
    healthcheck,
    hooks,
    pecan_speedups,
    request_id,
    signed,
)
from zaqar.transport.wsgi.controllers import root

LOG = logging.getLogger(__name__)


class _ServiceInjector:
    """Puts the Service singleton in each request's environ."""

    def __init__(self, app, service):
        self.app = app
        self.service = service

    def __call__(self, environ, start_response):
        environ['zaqar.service'] = self.service
        return self.app(environ, start_response)


def _proxy_headers_enabled(conf) -> bool:
    """[oslo_middleware] enable_proxy_headers_parsing (registered here)."""
    from oslo_middleware import opts as mw_opts
    conf.register_opts(mw_opts.list_opts_http_proxy_to_wsgi()[0][1],
                       group='oslo_middleware')
    return conf.oslo_middleware.enable_proxy_headers_parsing


def make_app(service):
    """Build the WSGI callable for ``service`` (a zaqar.api Service)."""
    conf = service.conf
    auth_enabled = conf.auth_strategy == 'keystone'
    pecan_speedups.install()
    tree = root.Root(conf.admin_mode)
    app = pecan.make_app(
        tree,
        hooks=[hooks.ErrorHook(),
               hooks.ContextHook(service.limits, auth_enabled)],
        force_canonical=False,
        guess_content_type_from_ext=False,
        use_context_locals=True,
        # Plain WebOb requests: Pecan's subclass wraps every attribute
        # access in a try block; ErrorHook maps undecodable input to 400.
        request_cls=pecan_speedups.Request,
        # Message and claim paths skip Pecan's segment-by-segment walk.
        wrap_app=lambda pecan_app: direct_routes.install(pecan_app, tree),
    )
    app = _ServiceInjector(app, service)
    if auth_enabled:
        from zaqar.transport.wsgi import auth

        def authenticate(inner):
            return auth.wrap(inner, conf)
    else:
        LOG.warning('Authentication is OFF (development mode): the project '
                    'comes from the X-Project-ID header.')

        def authenticate(inner):
            return inner
    authenticated = authenticate(app)
    # Outermost last: a signed request is checked first and skips auth;
    # a load balancer's /healthcheck needs no headers; proxy headers fix
    # scheme/host before anything reads them; CORS answers preflights
    # before any check; every response (errors included) carries
    # x-openstack-request-id; no body over the limit gets past the
    # outermost layer.
    app = signed.SignedURLCheck(app, authenticated, service.signing_key)
    app = healthcheck.Mount(app, conf, service, authenticate, auth_enabled)
    if conf.metrics.enabled:
        # Times everything inside; /metrics goes through authentication.
        from zaqar.metrics import setup as metrics_setup
        app = metrics_setup.wrap_wsgi(app, service, authenticate,
                                      auth_enabled)
    if _proxy_headers_enabled(conf):
        app = filters.HTTPProxyToWSGI(app, conf)
    conf_opts.set_defaults()
    app = filters.CORS(app, conf)
    # Request spans (OpenTelemetry, OSProfiler) see the request id.
    tracing = getattr(service, 'tracing', None)
    if tracing is not None:
        app = tracing.wrap_wsgi(app, conf)
    app = request_id.RequestId(app)
    app = body_limit.BodyLimit(app, serving_limits.body_limit(conf))
    return app
