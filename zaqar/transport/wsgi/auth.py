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

"""Keystone token validation (keystonemiddleware auth_token).

auth_token validates ``X-Auth-Token``, strips any identity headers the
client sent and sets the token's own (X-Project-Id, X-User-Id, X-Roles):
the API reads identity only from those. Its own refusals (401, or 503 when
Keystone cannot be reached) are re-rendered as the API's JSON error body.
Only the versions document is served without a token.
"""

from __future__ import annotations

import json

from keystonemiddleware import auth_token

# Set in the environ once a request got past auth_token to the API.
_REACHED = 'zaqar.auth.passed'
_DESCRIPTIONS = {
    401: 'This request needs a valid Keystone token in the X-Auth-Token '
         'header.',
    503: 'The identity service cannot be reached to validate the token. '
         'Please try again in a few seconds.',
}


class _Marker:
    """Records that auth_token let the request through with a valid token.

    With ``delay_auth_decision = true`` auth_token lets requests without a
    valid token through too (``X-Identity-Status: Invalid``), leaving the
    decision to the service: ours is a 401, whatever that option says.
    """

    def __init__(self, app):
        self.app = app
        # WWW-Authenticate of our 401s, set once auth_token's options exist.
        self.challenge: list[tuple[str, str]] = []

    def __call__(self, environ, start_response):
        if environ.get('HTTP_X_IDENTITY_STATUS') != 'Confirmed':
            return _refusal('401 Unauthorized', self.challenge,
                            start_response)
        environ[_REACHED] = True
        return self.app(environ, start_response)


def _refusal(status: str, headers: list, start_response) -> list[bytes]:
    """Answer ``status`` with the API's JSON error body."""
    doc = {'title': status}
    code = int(status[:3])
    if code in _DESCRIPTIONS:
        doc['description'] = _DESCRIPTIONS[code]
    data = json.dumps(doc).encode()
    headers = [(k, v) for k, v in headers
               if k.lower() not in ('content-type', 'content-length')]
    headers += [('Content-Type', 'application/json'),
                ('Content-Length', str(len(data)))]
    start_response(status, headers)
    return [data]


class _JSONRefusals:
    """Gives auth_token's own error answers the API's error body."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        captured = {}

        def start(status, headers, exc_info=None):
            captured['status'] = status
            captured['headers'] = headers
            if environ.get(_REACHED) or int(status[:3]) < 400:
                return start_response(status, headers, exc_info)
            captured['rewrite'] = True
            return lambda data: None

        body = self.app(environ, start)
        if not captured.get('rewrite'):
            return body
        for _ in body:
            pass
        if hasattr(body, 'close'):
            body.close()
        return _refusal(captured['status'], captured['headers'],
                        start_response)


class _PublicVersions:
    """The versions document (``GET /``) needs no token: clients discover
    the API before they authenticate, as with other OpenStack services."""

    def __init__(self, app, protected):
        self.app = app
        self.protected = protected

    def __call__(self, environ, start_response):
        if (environ.get('PATH_INFO') in ('', '/')
                and environ.get('REQUEST_METHOD') in ('GET', 'HEAD')):
            return self.app(environ, start_response)
        return self.protected(environ, start_response)


def wrap(app, conf):
    """Put auth_token in front of ``app``; it reads [keystone_authtoken]."""
    marker = _Marker(app)
    protected = auth_token.AuthProtocol(marker, {'oslo_config_config': conf})
    # auth_token registered its options while it was being built.
    group = conf.keystone_authtoken
    uri = group.www_authenticate_uri or group.auth_uri
    if uri:
        marker.challenge = [('WWW-Authenticate', f'Keystone uri="{uri}"')]
    return _PublicVersions(app, _JSONRefusals(protected))
