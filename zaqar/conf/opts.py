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

"""Every option group of the service, for registration and the generator."""

from oslo_middleware import cors
from oslo_middleware.healthcheck import opts as healthcheck_opts

from zaqar.conf import (
    default,
    drivers,
    metrics,
    notification,
    pooling_catalog,
    profiler,
    quotas,
    redrive,
    signed_url,
    storage,
    stores,
    swift,
    tracing,
    transport,
    websocket,
    wsgi,
)

# Alphabetical; each module exposes list_opts() -> {group: [opts]}.
_MODULES = (
    default,
    drivers,
    metrics,
    notification,
    pooling_catalog,
    profiler,
    quotas,
    redrive,
    signed_url,
    storage,
    stores,
    swift,
    tracing,
    transport,
    websocket,
    wsgi,
)


def list_opts():
    """(group, options) pairs for oslo-config-generator."""
    groups: dict = {}
    for module in _MODULES:
        for group, options in module.list_opts().items():
            groups.setdefault(group, []).extend(options)
    return [(group, options) for group, options in groups.items()]


# [cors] (oslo.middleware's group): what a browser may send and read.
# Origins stay closed until [cors] allowed_origin is set.
CORS_ALLOW_HEADERS = ['X-Auth-Token', 'X-Project-ID', 'Client-ID',
                      'URL-Signature', 'URL-Expires', 'URL-Methods',
                      'URL-Paths', 'Content-Type', 'Accept']
CORS_EXPOSE_HEADERS = ['X-OpenStack-Request-ID', 'Location',
                       'Content-Location', 'Allow']
CORS_ALLOW_METHODS = ['GET', 'HEAD', 'PUT', 'POST', 'PATCH', 'DELETE']


def set_defaults():
    """Our defaults for options that libraries own (oslo.middleware CORS)."""
    cors.set_defaults(allow_headers=CORS_ALLOW_HEADERS,
                      expose_headers=CORS_EXPOSE_HEADERS,
                      allow_methods=CORS_ALLOW_METHODS)
    # /healthcheck asks the store (zaqar.transport.wsgi.healthcheck).
    for opt in healthcheck_opts.HEALTHCHECK_OPTS:
        if opt.dest == 'backends':
            opt.default = ['zaqar_storage']
