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

"""Which /v1.1 paths are served (shared by the request hooks and routing)."""

from __future__ import annotations

import re

PREFIX = '/v1.1'
# The one collection served: messages of a named queue.
_SERVED = re.compile(r'^/v1\.1/queues/[^/]+/messages/?$')


def serves(path: str) -> bool:
    """Whether ``path`` is one of the v1.1 routes served."""
    return _SERVED.match(path) is not None
