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

"""Pecan hooks: per-request context and the one JSON error renderer."""

from __future__ import annotations

import logging

import pecan
import webob.acceptparse
import webob.exc
from pecan import hooks

from zaqar.api import context as zcontext
from zaqar.api import validation
from zaqar.common import errors
from zaqar.transport.wsgi import render, signed, v1_1_routes

LOG = logging.getLogger(__name__)

FORM = 'application/x-www-form-urlencoded'
_COMMON_ACCEPTS = frozenset(('*/*', 'application/json', 'application/*',
                             'application/json-home'))
# Roles of a development-mode caller that sends no X-Roles header.
DEV_DEFAULT_ROLES = ('member', 'reader')


def _accepts_json(accept: str | None) -> bool:
    """Whether an Accept header admits our JSON answers."""
    if not accept:
        return True
    lowered = accept.lower()
    # Fast path for what nearly every client sends.
    if (lowered in _COMMON_ACCEPTS
            or ('application/json' in lowered and ';q=0' not in lowered
                and 'q=0' not in lowered)):
        return True
    offers = webob.acceptparse.create_accept_header(accept)
    return bool(offers.acceptable_offers(['application/json',
                                          'application/json-home']))


def context() -> zcontext.RequestContext:
    """The context of the request being handled."""
    return pecan.request.environ['zaqar.context']


class ContextHook(hooks.PecanHook):
    """Run the v2 request checks in order and build the context."""

    priority = 10

    def __init__(self, limits: validation.Limits, auth_enabled: bool):
        self.limits = limits
        self.auth_enabled = auth_enabled

    def on_route(self, state):
        req = state.request
        if req.content_length and (req.content_type or '').lower() == FORM:
            raise errors.FormContent()
        if not _accepts_json(req.environ.get('HTTP_ACCEPT')):
            raise errors.NotAcceptable()
        # Negotiation is done: keep Pecan's own (per-controller) out of it.
        req.pecan['content_type'] = 'application/json'
        if not (req.path_info.startswith('/v2')
                or v1_1_routes.serves(req.path_info)):
            return
        # The headers straight from the environ (as WebOb's EnvironHeaders
        # would look them up, without its per-call key translation).
        environ = req.environ
        client_id = validation.client_id(environ.get('HTTP_CLIENT_ID'),
                                         self.limits)
        project = environ.get('HTTP_X_PROJECT_ID')
        if project is None:
            raise errors.ProjectIdMissing()
        if project == '':
            raise errors.ProjectIdEmpty()
        roles = environ.get('HTTP_X_ROLES')
        grant = environ.get(signed.ENV_KEY)
        if grant is not None:
            # A verified signed URL acts with only what its methods need.
            role_list = grant.roles
        elif roles is not None:
            role_list = [r.strip() for r in roles.split(',') if r.strip()]
        elif self.auth_enabled:
            role_list = []
        else:
            role_list = list(DEV_DEFAULT_ROLES)
        # from_environ reads the request ids (and keystonemiddleware's
        # identity headers); what the checks above decided overrides them.
        environ['zaqar.context'] = zcontext.RequestContext.from_environ(
            environ,
            client_id=client_id,
            project_id=project,
            user_id=environ.get('HTTP_X_USER_ID'),
            roles=role_list,
            auth_token=environ.get('HTTP_X_AUTH_TOKEN'),
            is_admin='admin' in role_list,
        )


class ErrorHook(hooks.PecanHook):
    """Render every failure as JSON {"title", "description"}."""

    priority = 1

    def on_error(self, state, exc):
        if isinstance(exc, errors.APIError):
            headers = dict(exc.headers)
            if exc.status == 406:
                return render.response(406, headers=headers)
            return render.response(exc.status, exc.to_dict(), headers)
        if isinstance(exc, UnicodeDecodeError):
            return render.response(400, {
                'title': 'Invalid request',
                'description': 'The request is not valid UTF-8.'})
        if isinstance(exc, webob.exc.HTTPException):
            body = {'title': f'{exc.code} {exc.title}'}
            return render.response(exc.code, body)
        request_id = state.request.environ.get('openstack.request_id')
        LOG.exception('Unexpected error handling %s %s (request %s)',
                      state.request.method, state.request.path, request_id)
        return render.response(500, {
            'title': 'Internal server error',
            'description': f'The server failed to complete the request; its '
                           f'log has the details under request id '
                           f'{request_id}.'})
