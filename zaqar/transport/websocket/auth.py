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

"""Who a connection's requests act for: development mode or a Keystone token."""

from __future__ import annotations

import dataclasses
import datetime
import json
import logging
import uuid

import webob

from zaqar.api import context as zcontext

LOG = logging.getLogger(__name__)

# Roles of a development-mode caller that sends no X-Roles header (as HTTP).
DEV_DEFAULT_ROLES = ('member', 'reader')


@dataclasses.dataclass(frozen=True)
class Identity:
    """What a validated token says about its bearer."""

    project_id: str
    user_id: str | None
    roles: tuple[str, ...]
    token: str
    # Seconds since the epoch; None when Keystone did not say.
    expires: float | None = None


def context(headers: dict, identity: Identity | None,
            signed_roles: list[str] | None = None
            ) -> zcontext.RequestContext:
    """The context of one request: the token's identity when authenticated,
    the grant of a signed request, else the headers (development mode)."""
    if identity is not None:
        roles = list(identity.roles)
        project, user, token = (identity.project_id, identity.user_id,
                                identity.token)
    elif signed_roles is not None:
        roles = list(signed_roles)
        project, user, token = headers['X-Project-ID'], None, None
    else:
        raw = headers.get('X-Roles')
        roles = ([r.strip() for r in raw.split(',') if r.strip()]
                 if raw is not None else list(DEV_DEFAULT_ROLES))
        project, user, token = (headers['X-Project-ID'], None,
                                headers.get('X-Auth-Token'))
    return zcontext.RequestContext(
        client_id=headers.get('Client-ID'), project_id=project,
        user_id=user, roles=roles, auth_token=token,
        request_id='req-' + str(uuid.uuid4()), is_admin='admin' in roles)


def _identity_app(environ, start_response):
    """Behind auth_token: answers what the middleware put in the environ."""
    token_auth = environ.get('keystone.token_auth')
    expires = None
    try:
        when = token_auth.user.expires
        if isinstance(when, datetime.datetime):
            expires = when.timestamp()
    except AttributeError:
        pass
    body = json.dumps({
        'status': environ.get('HTTP_X_IDENTITY_STATUS'),
        'project_id': environ.get('HTTP_X_PROJECT_ID'),
        'user_id': environ.get('HTTP_X_USER_ID'),
        'roles': environ.get('HTTP_X_ROLES', ''),
        'expires': expires,
    }).encode()
    start_response('200 OK', [('Content-Type', 'application/json')])
    return [body]


class KeystoneAuthenticator:
    """Validates tokens with keystonemiddleware's auth_token, as HTTP does.

    auth_token is WSGI middleware, so each validation is a small in-process
    WSGI call; it blocks on Keystone, so callers run it in a worker thread.
    It reads ``[keystone_authtoken]`` from the service's config.
    """

    def __init__(self, conf):
        from keystonemiddleware import auth_token
        self._app = auth_token.AuthProtocol(_identity_app,
                                            {'oslo_config_config': conf})

    def validate(self, token: str) -> Identity | None:
        """The token's identity, or None when Keystone refuses it."""
        if not token:
            return None
        request = webob.Request.blank('/', headers={'X-Auth-Token': token})
        response = request.get_response(self._app)
        if response.status_int != 200:
            return None
        info = response.json
        if info.get('status') != 'Confirmed' or not info.get('project_id'):
            return None
        roles = tuple(r.strip() for r in info['roles'].split(',')
                      if r.strip())
        return Identity(info['project_id'], info.get('user_id'), roles,
                        token, info.get('expires'))
