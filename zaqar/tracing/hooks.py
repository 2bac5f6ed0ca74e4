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

"""Tracing hooks other layers call: no-ops until tracing is turned on."""

from __future__ import annotations

import contextlib


def _untraced(url: str, delivery_id: str, parent: str | None = None):
    # No span: nothing to add to the request headers.
    return contextlib.nullcontext({})


def _no_trace() -> str | None:
    return None


# webhook_span(url, delivery_id, parent): a context manager giving the
# headers (W3C traceparent/tracestate) that carry the delivery's span
# onward; ``parent`` is the traceparent stored with the delivery (the
# post's trace), None to start a trace of its own.
webhook_span = _untraced

# current_traceparent(): the W3C traceparent of the span in progress (the
# request's), or None (tracing off, no span). A post stores it with its
# notifications.
current_traceparent = _no_trace
