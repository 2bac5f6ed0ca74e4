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
