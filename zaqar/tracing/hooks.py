"""The webhook delivery span: a no-op until tracing is turned on."""

from __future__ import annotations

import contextlib


def _untraced(url: str, delivery_id: str):
    # No span: nothing to add to the request headers.
    return contextlib.nullcontext({})


# webhook_span(url, delivery_id): a context manager giving the headers
# (W3C traceparent/tracestate) that carry the delivery's span onward.
webhook_span = _untraced
