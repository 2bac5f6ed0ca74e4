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

"""The messaging API as a Heat resource sees it: Heat's session and catalog.

python-zaqarclient has no topics and changes pools and flavors only in part,
so the resource types speak the v2 REST API themselves. The endpoint comes
from the Keystone catalog (service type ``messaging``, Heat's region and
``[clients_zaqar] endpoint_type``) through Heat's zaqar client plugin, and
requests carry the stack's Keystone session, as Heat's own clients do.
"""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib import parse

PATCH_MEDIA_TYPE = 'application/openstack-messaging-v2.0-json-patch'


class ApiError(Exception):
    """The messaging API refused a request."""

    def __init__(self, status: int, method: str, path: str, detail: str):
        super().__init__(f'{method} {path}: {status} {detail}')
        self.status = status


class NotFound(ApiError):
    """404: the thing is not there (any more)."""


def quoted(name: str) -> str:
    return parse.quote(name, safe='')


class Messaging:
    """Requests to the messaging API on behalf of one Heat context."""

    def __init__(self, client_plugin):
        self._plugin = client_plugin
        self._session = client_plugin.context.keystone_session
        # One client identity per resource action, as the API asks for.
        self._client_id = str(uuid.uuid4())
        # Status of the last answer (PUT: 201 made, 204 already there).
        self.last_status: int | None = None

    def endpoint(self) -> str:
        interface = self._plugin._get_client_option('zaqar', 'endpoint_type')
        url = self._plugin.url_for(service_type='messaging',
                                   endpoint_type=interface)
        return url.rstrip('/')

    def request(self, method: str, path: str, body: Any = None,
                content_type: str = 'application/json') -> Any:
        """Send one request; the decoded JSON answer (None when empty)."""
        headers = {'Client-ID': self._client_id, 'Accept': 'application/json'}
        data = None
        if body is not None:
            headers['Content-Type'] = content_type
            data = json.dumps(body)
        resp = self._session.request(self.endpoint() + path, method,
                                     headers=headers, data=data,
                                     raise_exc=False)
        self.last_status = resp.status_code
        if resp.status_code >= 400:
            detail = resp.text[:500]
            error = NotFound if resp.status_code == 404 else ApiError
            raise error(resp.status_code, method, path, detail)
        if not resp.content:
            return None
        return resp.json()

    def get(self, path: str) -> Any:
        return self.request('GET', path)

    def put(self, path: str, body: Any) -> Any:
        return self.request('PUT', path, body)

    def patch(self, path: str, body: Any,
              content_type: str = 'application/json') -> Any:
        return self.request('PATCH', path, body, content_type)

    def delete(self, path: str) -> bool:
        """DELETE; False when it was already gone (404)."""
        try:
            self.request('DELETE', path)
        except NotFound:
            return False
        return True

    def exists(self, path: str, method: str = 'GET') -> bool:
        """Whether ``path`` answers (queues need HEAD: they are lazy)."""
        try:
            self.request(method, path)
        except NotFound:
            return False
        return True

    def href(self, path: str) -> str:
        return self.endpoint() + path


def metadata_patch(current: dict, desired: dict) -> list[dict]:
    """JSON-patch operations turning ``current`` metadata into ``desired``.

    ``current`` is what GET shows, reserved keys with defaults included: a
    reserved key the template leaves out is removed (back to its default),
    which the API accepts even when it was never set.
    """
    ops = []
    for key, value in desired.items():
        if current.get(key) != value:
            ops.append({'op': 'add', 'path': f'/metadata/{key}',
                        'value': value})
    for key in current:
        if key not in desired:
            ops.append({'op': 'remove', 'path': f'/metadata/{key}'})
    return ops
