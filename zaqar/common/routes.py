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

"""Request paths as route templates, so labels stay few."""

from __future__ import annotations

import functools

# A segment after one of these is a name or id: "/queues/{queue_name}".
_COLLECTIONS = {
    'queues': '{queue_name}',
    'topics': '{topic_name}',
    'messages': '{message_id}',
    'claims': '{claim_id}',
    'subscriptions': '{subscription_id}',
    'pools': '{pool_name}',
    'flavors': '{flavor_name}',
}
# Fixed segments of the API's routes.
_FIXED = frozenset(('v2', 'v1.1', 'stats', 'share', 'purge', 'confirm',
                    'redrive', 'health', 'ping', 'openapi.json',
                    'healthcheck', 'metrics', 'detailed', 'pop', 'signed'))
# Anything that is no route of ours (scanners, typos) shares one label.
OTHER = 'other'


@functools.lru_cache(maxsize=4096)
def template(path: str) -> str:
    """``/v2/queues/{queue_name}/messages`` for ``/v2/queues/q1/messages``."""
    if path in ('', '/'):
        return '/'
    parts = []
    previous = None
    for segment in path.strip('/').split('/'):
        if previous in _COLLECTIONS:
            parts.append(_COLLECTIONS[previous])
        elif segment in _FIXED or segment in _COLLECTIONS:
            parts.append(segment)
        else:
            return OTHER
        previous = segment if segment in _COLLECTIONS and previous not in _COLLECTIONS else None
    return '/' + '/'.join(parts)
