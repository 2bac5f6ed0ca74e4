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

"""/healthcheck: oslo.middleware's load-balancer probe, with storage health.

A node whose store is down can only answer 503, so the probe asks the store
(``storage`` backend, on by default: ``[healthcheck] backends``) and answers
503 too. Anyone gets the short answer; a caller with the admin role (a
Keystone token, or ``X-Roles: admin`` in development mode with
``admin_mode``) gets oslo.middleware's detailed one.
"""

from __future__ import annotations

import logging

from oslo_middleware import healthcheck
from oslo_middleware import opts as mw_opts
from oslo_middleware.healthcheck import pluginbase

LOG = logging.getLogger(__name__)
PATH = '/healthcheck'
# The entry point name of StorageHealthcheck (oslo.middleware.healthcheck).
BACKEND = 'zaqar_storage'


class StorageHealthcheck(pluginbase.HealthcheckBaseExtension):
    """Healthy while the message store (and management store) answer."""

    # Set by Mount once the Service exists (stevedore builds us first).
    service = None

    def healthcheck(self, server_port: int) -> pluginbase.HealthcheckResult:
        storage = getattr(self.service, 'storage', None)
        if storage is None:
            return pluginbase.HealthcheckResult(False, 'storage not set up')
        try:
            alive = storage.is_alive()
        except Exception:  # noqa: BLE001 - a probe reports, never raises
            LOG.exception('Healthcheck: the storage probe failed')
            alive = False
        if alive:
            return pluginbase.HealthcheckResult(True, 'storage reachable',
                                                type(storage).__module__)
        return pluginbase.HealthcheckResult(False, 'storage unreachable',
                                            type(storage).__module__)


def _build(conf, service, detailed: bool) -> healthcheck.Healthcheck:
    probe = healthcheck.Healthcheck(None, conf)
    probe._show_details = detailed
    for extension in probe._backends:
        if isinstance(extension.obj, StorageHealthcheck):
            extension.obj.service = service
    return probe


def register_defaults(conf) -> None:
    """``[healthcheck] backends`` defaults to the storage backend."""
    conf.register_opts(mw_opts.list_opts_healthcheck()[0][1],
                       group='healthcheck')
    conf.set_default('backends', [BACKEND], group='healthcheck')


class _AdminDetails:
    """Behind authentication: the detailed view for admins only."""

    def __init__(self, detailed, brief, admin_mode: bool, keystone: bool):
        self.detailed = detailed
        self.brief = brief
        self.admin_mode = admin_mode
        self.keystone = keystone

    def __call__(self, environ, start_response):
        roles = {r.strip() for r in
                 (environ.get('HTTP_X_ROLES') or '').split(',')}
        admin = 'admin' in roles and (self.keystone or self.admin_mode)
        probe = self.detailed if admin else self.brief
        return probe(environ, start_response)


class Mount:
    """Serve the probe at /healthcheck, the API everywhere else.

    ``authenticate`` wraps a WSGI app in the deployment's authentication
    (identity for itself in development mode); a probe request carrying
    credentials goes through it so the detailed view can be granted.
    """

    def __init__(self, app, conf, service, authenticate, keystone: bool):
        self.app = app
        register_defaults(conf)
        brief = _build(conf, service, conf.healthcheck.detailed)
        detailed = _build(conf, service, True)
        self.brief = brief
        self.credentialed = authenticate(
            _AdminDetails(detailed, brief, conf.admin_mode, keystone))
        self.credential = 'HTTP_X_AUTH_TOKEN' if keystone else 'HTTP_X_ROLES'

    def __call__(self, environ, start_response):
        if environ.get('PATH_INFO') != PATH:
            return self.app(environ, start_response)
        if self.credential in environ:
            return self.credentialed(environ, start_response)
        return self.brief(environ, start_response)
