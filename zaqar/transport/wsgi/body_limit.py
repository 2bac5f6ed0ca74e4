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

"""Refuse request bodies over the limit before anything reads them.

zaqar-server's event loop already enforces the limit while it reads; this
middleware gives the same guarantee under any other WSGI server (uWSGI,
mod_wsgi): a declared length over the limit is a 413 at once, and a body
of unknown length (chunked) is read at most one byte past the limit.
"""

from __future__ import annotations

import io

from zaqar.serving import errors


def _refuse(start_response, code: int = 413) -> list[bytes]:
    data = errors.body(code)
    start_response(errors.status_line(code),
                   [('Content-Type', 'application/json'),
                    ('Content-Length', str(len(data))),
                    ('Connection', 'close')])
    return [data]


class BodyLimit:
    """413 (JSON) for any body longer than ``limit`` bytes."""

    def __init__(self, app, limit: int):
        self.app = app
        self.limit = limit

    def __call__(self, environ, start_response):
        declared = environ.get('CONTENT_LENGTH')
        if declared:
            try:
                length = int(declared)
            except ValueError:
                return _refuse(start_response, 400)
            if length > self.limit:
                return _refuse(start_response)
        elif ('chunked' in environ.get('HTTP_TRANSFER_ENCODING', '').lower()
              or environ.get('wsgi.input_terminated')):
            body = environ['wsgi.input'].read(self.limit + 1)
            if len(body) > self.limit:
                return _refuse(start_response)
            environ['wsgi.input'] = io.BytesIO(body)
            environ['CONTENT_LENGTH'] = str(len(body))
        return self.app(environ, start_response)
