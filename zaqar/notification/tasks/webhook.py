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

"""http(s) subscribers: one signed POST per message.

The body is the message as JSON (``id``, ``body``, ``ttl``, ``queue_name``,
``checksum`` when stored) or, with ``options.post_data``, that template
with the string ``"$zaqar_message$"`` (quotes included) replaced by the
message JSON. Headers: ``Content-Type: application/json``, the
subscription's ``options.post_headers``, and

* ``X-Zaqar-Timestamp``: Unix seconds of this attempt;
* ``X-Zaqar-Signature``: ``sha256=`` + hex HMAC-SHA256, keyed by the
  subscription's secret, of ``<timestamp>.<body>`` (the exact body bytes);
* ``X-Zaqar-Delivery``: the delivery id, the same on every retry (a
  receiver drops duplicates by it: delivery is at least once);
* ``X-Zaqar-Subscription``: the subscription id.

A 2xx answer delivers. 408, 425, 429, 5xx, timeouts and connection errors
are retried per the retry policy; any other answer (3xx redirects are not
followed, 4xx) fails the delivery at once, and so does a destination that
resolves to an address the service may not reach
(:mod:`zaqar.notification.destinations`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from typing import Any

import requests

from zaqar.notification import destinations, guarded_http, outcome, subscribers
from zaqar.tracing import hooks as tracing_hooks

TIMESTAMP = 'X-Zaqar-Timestamp'
SIGNATURE = 'X-Zaqar-Signature'
DELIVERY = 'X-Zaqar-Delivery'
SUBSCRIPTION = 'X-Zaqar-Subscription'
PLACEHOLDER = '"$zaqar_message$"'
USER_AGENT = 'zaqar-notifier'

# Answers worth another attempt.
RETRY_STATUSES = frozenset((408, 425, 429))
# Our headers win over post_headers of the same name.
_RESERVED = {h.lower() for h in (TIMESTAMP, SIGNATURE, DELIVERY, SUBSCRIPTION,
                                 'Content-Type', 'Content-Length')}

_local = threading.local()


def session(allowlist: destinations.Allowlist) -> requests.Session:
    """This thread's HTTP session (connections are reused per thread)."""
    sessions = getattr(_local, 'sessions', None)
    if sessions is None:
        sessions = _local.sessions = {}
    http = sessions.get(allowlist)
    if http is None:
        http = sessions[allowlist] = guarded_http.session(allowlist)
    return http


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Zaqar-Signature`` value of ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode('utf-8'), timestamp.encode('ascii') + b'.'
                   + body, hashlib.sha256)
    return 'sha256=' + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """Receiver side: whether ``signature`` signs ``body`` (constant time)."""
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def render(document: dict, options: dict) -> bytes:
    """The request body for ``document`` under the subscription options."""
    text = json.dumps(document)
    template = options.get('post_data')
    if template is not None:
        if not isinstance(template, str):
            template = json.dumps(template)
        text = template.replace(PLACEHOLDER, text)
    return text.encode('utf-8')


def headers(options: dict, secret: str | None, body: bytes, delivery_id: str,
            subscription_id: str) -> dict[str, str]:
    result = {'User-Agent': USER_AGENT}
    extra: Any = options.get('post_headers') or {}
    if isinstance(extra, dict):
        for name, value in extra.items():
            if isinstance(value, str) and name.lower() not in _RESERVED:
                result[str(name)] = value
    timestamp = str(int(time.time()))
    result.update({'Content-Type': 'application/json', TIMESTAMP: timestamp,
                   DELIVERY: delivery_id, SUBSCRIPTION: subscription_id})
    if secret:
        result[SIGNATURE] = sign(secret, timestamp, body)
    return result


def post(url: str, body: bytes, request_headers: dict[str, str],
         timeout: float, allowlist: destinations.Allowlist
         ) -> outcome.Outcome:
    """Send one request and classify the answer."""
    try:
        resp = session(allowlist).post(url, data=body,
                                       headers=request_headers,
                                       timeout=timeout, allow_redirects=False)
    except destinations.DestinationRefused as exc:
        return outcome.failed(f'destination refused: {exc}')
    except requests.Timeout:
        return outcome.retry('timed out')
    except requests.RequestException as exc:
        return outcome.retry(f'request failed: {type(exc).__name__}: {exc}')
    status = resp.status_code
    resp.close()
    if 200 <= status < 300:
        return outcome.delivered()
    error = f'HTTP {status} {resp.reason or ""}'.strip()
    if status >= 500 or status in RETRY_STATUSES:
        return outcome.retry(error)
    return outcome.failed(error)


def deliver(url: str, document: dict, options: dict, secret: str | None,
            delivery_id: str, subscription_id: str, timeout: float,
            extra_headers: dict[str, str] | None = None,
            allowlist: destinations.Allowlist = destinations.Allowlist(),
            traceparent: str | None = None) -> outcome.Outcome:
    body = render(document, options)
    request_headers = headers(options, secret, body, delivery_id,
                              subscription_id)
    if extra_headers:
        request_headers.update(extra_headers)
    # With tracing on: a delivery span (in the post's trace when it was
    # stored with the delivery), its context in traceparent.
    with tracing_hooks.webhook_span(url, delivery_id,
                                    traceparent) as trace_headers:
        request_headers.update(trace_headers)
        return post(url, body, request_headers, timeout, allowlist)


def _deliver(request: subscribers.Send) -> outcome.Outcome:
    return deliver(request.subscriber, request.document, request.options,
                   request.secret, request.delivery_id,
                   request.subscription_id, request.timeout,
                   allowlist=request.allowlist,
                   traceparent=request.traceparent)


#: http and https subscribers (entry points in zaqar.notification.subscribers).
SCHEME = subscribers.Scheme(deliver=_deliver, confirmable=True)
