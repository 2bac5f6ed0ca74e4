"""Which /v1.1 paths are served (shared by the request hooks and routing)."""

from __future__ import annotations

import re

PREFIX = '/v1.1'
# The one collection served: messages of a named queue.
_SERVED = re.compile(r'^/v1\.1/queues/[^/]+/messages/?$')


def serves(path: str) -> bool:
    """Whether ``path`` is one of the v1.1 routes served."""
    return _SERVED.match(path) is not None
