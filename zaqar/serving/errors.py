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

"""The API's JSON error body, for answers made below the WSGI application."""

from __future__ import annotations

import json
from http import HTTPStatus

# What each refusal made by the server layer tells the client.
DESCRIPTIONS = {
    400: 'The request is not valid HTTP.',
    408: 'The request did not arrive in time.',
    413: 'The request body is larger than this server accepts.',
    414: 'The request line is longer than this server accepts.',
    431: 'The request headers are larger than this server accepts.',
    500: 'The server failed to complete the request.',
    503: 'The server is handling as many connections as it accepts; '
         'please try again shortly.',
}


def status_line(code: int) -> str:
    """``'413 Request Entity Too Large'`` and the like."""
    return f'{code} {HTTPStatus(code).phrase}'


def body(code: int, description: str | None = None) -> bytes:
    """``{"title", "description"}`` as the API renders every error."""
    return json.dumps({
        'title': status_line(code),
        'description': description or DESCRIPTIONS.get(code, ''),
    }).encode()


def raw_response(code: int, description: str | None = None) -> bytes:
    """A whole HTTP/1.1 response that closes the connection."""
    data = body(code, description)
    head = (f'HTTP/1.1 {status_line(code)}\r\n'
            'content-type: application/json\r\n'
            f'content-length: {len(data)}\r\n'
            'connection: close\r\n\r\n')
    return head.encode('latin-1') + data
