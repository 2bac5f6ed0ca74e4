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

"""Signed-URL access over WebSocket: message actions before authenticating.

With authentication on, a request that carries valid signed-URL headers
(``URL-Signature``, ``URL-Expires``, ``URL-Methods``, ``URL-Paths``,
``X-Project-ID``) runs without ``authenticate``, as the same request over
HTTP would: only message actions, each standing for the HTTP method and
path it has there, and with only the roles those methods need.
"""

from __future__ import annotations

from zaqar.common import signing

# Message action -> the HTTP method it stands for, and whether it acts
# on one message (its id is part of the path).
_METHODS = {
    'message_list': ('GET', False),
    'message_get_many': ('GET', False),
    'message_get': ('GET', True),
    'message_post': ('POST', False),
    'message_delete': ('DELETE', True),
    'message_delete_many': ('DELETE', False),
}
# Methods that only read; a URL signed for nothing else acts as a reader.
_READ_METHODS = frozenset(('GET', 'HEAD', 'OPTIONS'))


def _split(value: str | None) -> list[str]:
    return [] if not value else value.split(',')


def path(action: str, body: dict) -> str:
    """The HTTP path the action would have."""
    result = f'/v2/queues/{body["queue_name"]}/messages'
    if _METHODS[action][1]:
        result += f'/{body["message_id"]}'
    return result


def roles(key: str | None, action: str, headers: dict,
          body: dict) -> list[str] | None:
    """The roles a validly signed request acts with, or None (refused)."""
    method, _ = _METHODS.get(action, (None, False))
    if not key or method is None or 'queue_name' not in body:
        return None
    paths = _split(headers.get('URL-Paths'))
    methods = _split(headers.get('URL-Methods'))
    project = headers.get('X-Project-ID')
    expires = headers.get('URL-Expires')
    if not (paths and methods and project and expires):
        return None
    if not signing.verify(key, paths=paths, methods=methods, project=project,
                          expires=expires, given=headers['URL-Signature']):
        return None
    if not signing.grants(paths, methods, method, path(action, body)):
        return None
    if set(methods) <= _READ_METHODS:
        return ['reader']
    return ['member', 'reader']
