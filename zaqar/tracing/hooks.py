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
