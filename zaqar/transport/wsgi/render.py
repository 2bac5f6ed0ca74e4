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

"""Turn operation results into HTTP responses (JSON bodies, hrefs, links)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import webob

from zaqar.storage import models
from zaqar.transport.documents import iso as iso  # both transports'
from zaqar.transport.documents import stats as stats  # both transports'

JSON = 'application/json'


class Response(webob.Response):
    """Keeps Location headers as sent (relative), as the v2 API has them."""

    def _abs_headerlist(self, environ):
        return list(self.headerlist)


def response(status: int = 200, body: Any = None,
             headers: dict[str, str] | None = None,
             content_type: str = JSON) -> webob.Response:
    """A response whose ``body`` (if not None) is sent as JSON.

    The header list is built directly (Content-Type as given, with no
    charset; Content-Length; then ``headers``) rather than through WebOb's
    header setters, which parse and rewrite it at each step.
    """
    if body is None:
        resp = Response(status=status, headerlist=[])
    else:
        resp = Response(body=json.dumps(body).encode(), status=status,
                        headerlist=[('Content-Type', content_type)])
    if headers:
        headerlist = resp.headerlist
        present = {name.lower() for name, _ in headerlist}
        for name, value in headers.items():
            lowered = name.lower()
            if lowered in present:  # replaces it, as headers.update does
                resp.headers[name] = value
            else:
                headerlist.append((name, value))
                present.add(lowered)
    return resp


def no_content(headers: dict[str, str] | None = None) -> webob.Response:
    return response(204, headers=headers)


def message(msg: models.Message, base: str) -> dict:
    """A message as list/get/claim responses show it."""
    href = f'{base}/messages/{msg.id}'
    if msg.claim_id:
        href += f'?claim_id={msg.claim_id}'
    body = {'id': msg.id, 'href': href, 'ttl': msg.ttl, 'age': msg.age,
            'body': msg.body}
    if msg.checksum:
        body['checksum'] = msg.checksum
    if msg.dedup_id is not None:
        body['dedup_id'] = msg.dedup_id
    if msg.group is not None:
        body['group'] = msg.group
    return body


def popped_message(msg: models.Message, base: str) -> dict:
    """A popped message: the reference's pop answer also names the claim
    that took it and how often it had been claimed."""
    body = message(msg, base)
    body['claim_id'] = msg.claim_id
    body['claim_count'] = msg.claim_count
    return body


def next_link(path: str, params: dict[str, Any], marker: str) -> dict:
    query = {k: _qs(v) for k, v in params.items() if v is not None}
    query['marker'] = marker
    return {'rel': 'next', 'href': f'{path}?{urlencode(query)}'}


def _qs(value: Any) -> str:
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return str(value)
