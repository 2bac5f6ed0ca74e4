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

"""The signed-URL check: first in the pipeline, in place of authentication.

A request carrying ``URL-Signature`` is served only when the signature
covers its method, path, project and a future expiry; it then skips Keystone
and acts with just the roles its methods need. Any failure is a plain 404,
as the API has always answered it (no hint of which check failed).
"""

from __future__ import annotations

import dataclasses
import logging

from zaqar.common import signing
from zaqar.transport.wsgi import render

LOG = logging.getLogger(__name__)

# Where a verified grant waits for the context hook.
ENV_KEY = 'zaqar.signed_url'
SIGNATURE = 'HTTP_URL_SIGNATURE'
# Identity a client might send alongside a signature; a signed request has
# only what was signed, so these never reach the API.
_IDENTITY_HEADERS = ('HTTP_X_ROLES', 'HTTP_X_USER_ID', 'HTTP_X_USER_NAME',
                     'HTTP_X_AUTH_TOKEN', 'HTTP_X_IDENTITY_STATUS',
                     'HTTP_X_SERVICE_ROLES', 'HTTP_X_IS_ADMIN_PROJECT',
                     'HTTP_OPENSTACK_SYSTEM_SCOPE')
# Methods that only read; a URL signed for nothing else acts as a reader.
_READ_METHODS = frozenset(('GET', 'HEAD', 'OPTIONS'))


@dataclasses.dataclass(frozen=True)
class Grant:
    """A verified signed request: its project and the roles it acts with."""

    project: str
    methods: tuple[str, ...]
    paths: tuple[str, ...]

    @property
    def roles(self) -> list[str]:
        if set(self.methods) <= _READ_METHODS:
            return ['reader']
        return ['member', 'reader']


def _split(value: str | None) -> list[str]:
    return [] if not value else value.split(',')


def check(environ: dict, key: str | None) -> Grant | None:
    """The grant a signed request carries, or None when it must be refused."""
    if not key:
        return None
    paths = _split(environ.get('HTTP_URL_PATHS'))
    methods = _split(environ.get('HTTP_URL_METHODS'))
    project = environ.get('HTTP_X_PROJECT_ID')
    expires = environ.get('HTTP_URL_EXPIRES')
    if not (paths and methods and project and expires):
        return None
    if not signing.verify(key, paths=paths, methods=methods, project=project,
                          expires=expires, given=environ[SIGNATURE]):
        return None
    if not signing.grants(paths, methods, environ['REQUEST_METHOD'],
                          environ.get('PATH_INFO') or '/'):
        return None
    return Grant(project, tuple(methods), tuple(paths))


class SignedURLCheck:
    """Route signed requests around authentication; refuse bad ones.

    ``app`` is the API itself; ``authenticated`` is the API behind the auth
    middleware (the same ``app`` when authentication is off).
    """

    def __init__(self, app, authenticated, key: str | None):
        self.app = app
        self.authenticated = authenticated
        self.key = key

    def __call__(self, environ, start_response):
        if SIGNATURE not in environ:
            return self.authenticated(environ, start_response)
        grant = check(environ, self.key)
        if grant is None:
            LOG.info('Refused a signed request for %s %s',
                     environ.get('REQUEST_METHOD'), environ.get('PATH_INFO'))
            return render.response(404, {'title': '404 Not Found'})(
                environ, start_response)
        for name in _IDENTITY_HEADERS:
            environ.pop(name, None)
        environ[ENV_KEY] = grant
        return self.app(environ, start_response)
