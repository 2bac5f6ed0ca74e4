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

"""zaqar-push subscribers: a WebSocket server's push listener.

A WebSocket connection that subscribes without a ``subscriber`` is stored
as ``zaqar-push://<host>:<port>/push/<token>``
(zaqar.transport.websocket.listener). Each message is a signed webhook
POST to ``http://<host>:<port>/push/<token>``; the webhook formatting
options (``post_data``, ``post_headers``) are ignored, since the listener
reads the plain message document. The listener is the subscriber, so
there is nothing to confirm and no trust to hold.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult

from zaqar.notification import outcome, subscribers
from zaqar.notification.tasks import webhook

NAME = 'zaqar-push'
PATH = '/push/'
# What listener tokens are made of (secrets.token_urlsafe).
_TOKEN = re.compile(r'[A-Za-z0-9_-]{1,128}')
# Options that would change the document the listener reads.
_FORMATTING = ('post_data', 'post_headers')


def listener_uri(host: str, port: int) -> str:
    """The URI prefix of a listener's subscribers (``host`` bracketed
    for IPv6); each route appends its token."""
    return f'{NAME}://{host}:{port}{PATH}'


def http_url(subscriber: str) -> str:
    """Where deliveries to ``subscriber`` are POSTed."""
    return 'http' + subscriber[len(NAME):]


def _validate(parts: SplitResult) -> str | None:
    if not parts.hostname:
        return 'The subscriber URL needs a host.'
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is None:
        return 'A zaqar-push subscriber needs a port.'
    if parts.username is not None or parts.query or parts.fragment:
        return 'A zaqar-push subscriber is host, port and path only.'
    token = parts.path[len(PATH):]
    if not parts.path.startswith(PATH) or not _TOKEN.fullmatch(token):
        return 'A zaqar-push subscriber path is /push/<token>.'
    return None


def _deliver(request: subscribers.Send) -> outcome.Outcome:
    options = {k: v for k, v in request.options.items()
               if k not in _FORMATTING}
    return webhook.deliver(http_url(request.subscriber), request.document,
                           options, request.secret, request.delivery_id,
                           request.subscription_id, request.timeout,
                           allowlist=request.allowlist,
                           traceparent=request.traceparent)


#: The WebSocket push target (entry point zaqar-push).
SCHEME = subscribers.Scheme(deliver=_deliver, validate=_validate,
                            confirmable=False, needs_trust=False,
                            destination=http_url)
