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

"""Turn metrics on for one process: observers, hooks, the /metrics page."""

from __future__ import annotations

import logging
import time

from zaqar.metrics import backlog, exposition, hooks, registry, wsgi

LOG = logging.getLogger(__name__)



def storage_observer(driver: str, controller: str, method: str, func):
    """Time each call into the store (zaqar.storage.observed)."""
    child = registry.STORAGE_DURATION.labels(driver, controller, method)
    clock = time.perf_counter

    def timed(*args, **kwargs):
        started = clock()
        try:
            return func(*args, **kwargs)
        finally:
            child.observe(clock() - started)
    return timed


def _count(result) -> int:
    try:
        return len(result)
    except TypeError:
        return 0


def _action_counter(collector: backlog.BacklogCollector | None):
    posted = registry.MESSAGES_POSTED
    claimed = registry.MESSAGES_CLAIMED
    deleted = registry.MESSAGES_DELETED
    dead_lettered = registry.MESSAGES_DEAD_LETTERED

    def after(action: str, ctx, params: dict, result, spec) -> None:
        # What the action declares (zaqar.api.actions.Action) picks the
        # counters.
        if spec.posts:
            posted.inc(_count(result))
        elif spec.claims:
            claimed.inc(_count(result[1]))
            # Reported by the driver (models.Claimed).
            moved = getattr(result, 'dead_lettered', 0)
            if moved:
                dead_lettered.inc(moved)
        elif spec.deletes == 'many':
            if params.get('pop'):
                # A pop claims and deletes at once.
                popped = _count(result)
                claimed.inc(popped)
                deleted.inc(popped)
            else:
                deleted.inc(_count(params.get('ids') or ()))
        elif spec.deletes == 'one':
            deleted.inc()
        queue = params.get('queue_name')
        if collector is not None and queue is not None:
            collector.seen(ctx.project_id, queue)
    return after


def install_hooks() -> None:
    """The process-wide reporting hooks (expiry, notifier, WebSocket)."""
    hooks.expired = registry.EXPIRED.inc
    hooks.delivery = lambda result: registry.DELIVERIES.labels(result).inc()
    hooks.websocket_connections = registry.WEBSOCKET_CONNECTIONS.inc


def install(service) -> exposition.Page:
    """Count this service's actions; returns its metrics page."""
    conf = service.conf.metrics
    install_hooks()
    collector = None
    if conf.backlog_queues:
        collector = backlog.BacklogCollector(
            service, conf.backlog_queues, conf.backlog_project_label)
    service.after_action.append(_action_counter(collector))
    reg = exposition.collector_registry([collector] if collector else [])
    page = exposition.Page(reg)
    if conf.listen_port and exposition.serve(reg, conf.listen_host,
                                             conf.listen_port):
        LOG.info('Metrics also served on %s:%s', conf.listen_host,
                 conf.listen_port)
    service.metrics_page = page
    return page


def wrap_wsgi(app, service, authenticate, keystone: bool):
    """The request-metrics layer with /metrics (make_app)."""
    return wsgi.RequestMetrics(app, authenticate, service.conf.admin_mode,
                               keystone, service.metrics_page)
