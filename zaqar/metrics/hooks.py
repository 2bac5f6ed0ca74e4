"""Cheap calls the service makes whether or not metrics are on.

Each is a no-op until zaqar.metrics.setup installs the real one, so the
modules that report (expiry sweep, notifier, WebSocket server) need neither
prometheus-client nor a check of their own.
"""

from __future__ import annotations


def _ignore(*args) -> None:
    return None


# expired(count): items the expiry sweep removed.
expired = _ignore
# delivery(result): one notifier delivery settled (delivered, retry, ...).
delivery = _ignore
# websocket_connections(delta): a WebSocket client came (+1) or left (-1).
websocket_connections = _ignore
