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

"""The quota and rate checks every API action passes before it runs.

``Quotas.check`` is called by the dispatcher (zaqar.api.actions) for both
transports. It costs a dict lookup when no limit applies: counts are read
from storage only for a limit that is set, and only by the actions that
limit governs (queue creation, message posts, subscription creation); the
per-post queue count is mostly served from memory (zaqar.limits.counts).
"""

from __future__ import annotations

import logging
from typing import Any

from zaqar.common import errors
from zaqar.limits import counts, rates, sources
from zaqar.limits import resources as res

LOG = logging.getLogger(__name__)

class Quotas:
    """Limits of each project, enforced on the actions they govern."""

    def __init__(self, source: sources.LimitSource):
        self.source = source
        self.rates = rates.ProjectRates()
        self.counts = counts.QueueCounts()

    @classmethod
    def from_conf(cls, conf) -> Quotas:
        return cls(sources.from_conf(conf))

    def check(self, svc, ctx, action, params: dict[str, Any]) -> None:
        """Raise TooManyRequests when ``action`` would break a limit.

        ``action`` is the zaqar.api.actions.Action: what it declares
        (``posts``, ``creates``) picks the limits that apply.
        """
        project = ctx.project_id
        limits = self.source.limits(project)
        if not limits:
            return
        rate = limits.get(res.REQUEST_RATE.name, res.UNLIMITED)
        if rate != res.UNLIMITED:
            self._spend(res.REQUEST_RATE, 'r:' + project, 1, rate)
        if action.posts:
            self._post(svc, project, limits, params)
        elif action.creates == 'queues':
            self._queue(svc, project, limits, params['queue_name'])
        elif action.creates == 'subscriptions':
            self._subscription(svc, project, limits, params['queue_name'])

    def _spend(self, resource: res.Resource, key: str, count: int,
               rate: int) -> None:
        wait = 1.0 if rate == 0 else self.rates.take(key, count, rate)
        if wait:
            raise _refusal(resource, rate, rates.retry_after(wait))

    def _post(self, svc, project: str, limits: dict, params: dict) -> None:
        rate = limits.get(res.POST_RATE.name, res.UNLIMITED)
        limit = limits.get(res.MESSAGES.name, res.UNLIMITED)
        if rate == limit == res.UNLIMITED:
            return
        # The body is parsed once: the action reuses the parsed document.
        count = _message_count(params.get('payload'))
        queue = params.get('queue_name')
        # Capacity first: a refused post spends no rate tokens.
        if (limit != res.UNLIMITED and queue is not None
                and not self.counts.admits(svc, project, queue, count,
                                           limit)):
            raise _refusal(res.MESSAGES, limit, res.MESSAGES.retry_after)
        if rate != res.UNLIMITED:
            self._spend(res.POST_RATE, 'p:' + project, count, rate)

    def _queue(self, svc, project: str, limits: dict, queue: str) -> None:
        limit = limits.get(res.QUEUES.name, res.UNLIMITED)
        if limit == res.UNLIMITED:
            return
        # A PUT on an existing queue replaces metadata: no new queue.
        if (svc.queues.count(project=project) >= limit
                and not svc.queues.exists(queue, project=project)):
            raise _refusal(res.QUEUES, limit, res.QUEUES.retry_after)

    def _subscription(self, svc, project: str, limits: dict,
                      queue: str) -> None:
        limit = limits.get(res.SUBSCRIPTIONS.name, res.UNLIMITED)
        if limit == res.UNLIMITED:
            return
        found, _ = svc.subscriptions.list(queue, project=project,
                                          limit=max(limit, 1))
        if len(found) >= limit:
            raise _refusal(res.SUBSCRIPTIONS, limit,
                           res.SUBSCRIPTIONS.retry_after)


def _message_count(payload) -> int:
    """Messages in a post body (1 when malformed: the action rejects it)."""
    try:
        document = payload.parse()
    except (AttributeError, errors.APIError):
        return 1
    if isinstance(document, dict):
        document = document.get('messages')
    return len(document) if isinstance(document, list) and document else 1


def _refusal(resource: res.Resource, limit: int,
             retry_after: int) -> errors.TooManyRequests:
    return errors.TooManyRequests(
        f'The "{resource.name}" limit ({limit} {resource.unit}) is reached.',
        retry_after)
