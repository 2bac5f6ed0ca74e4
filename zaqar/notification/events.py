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

"""Versioned OpenStack notifications of lifecycle events (oslo.messaging).

With ``[oslo_messaging_notifications] driver`` set (``messagingv2``, and a
``transport_url``), each successful operation below is published at INFO
priority with the request context, publisher ``zaqar.<host>``:

=====================  ==========================  =========================
event type             after                       payload data
=====================  ==========================  =========================
``queue.create``       a queue was created         project_id, queue_name,
                                                   metadata
``queue.update``       queue PATCH                 project_id, queue_name,
                                                   metadata
``queue.delete``       queue DELETE                project_id, queue_name
``subscription.create`` a subscription was made    project_id, queue_name,
                                                   subscription_id, subscriber
``subscription.delete`` subscription DELETE        project_id, queue_name,
                                                   subscription_id
``claim.create``       a claim took messages       project_id, queue_name,
                                                   claim_id, message_ids
``message.post``       one post (a whole batch)    project_id, queue_name,
                                                   message_ids
=====================  ==========================  =========================

Payloads are versioned objects: ``{"zaqar_object.name": ...,
"zaqar_object.namespace": "zaqar", "zaqar_object.version": "1.0",
"zaqar_object.data": {...}}``; subscriber URLs lose their query, fragment
and credentials. Publishing happens on a background thread from a bounded
queue, so the API never waits on the message bus: when it is down, events
are dropped and the failure is logged (at most once a minute: the
failures oslo.messaging itself logs are rate-limited too).
"""

from __future__ import annotations

import logging
import queue
import socket
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

LOG = logging.getLogger(__name__)

GROUP = 'oslo_messaging_notifications'
NAMESPACE = 'zaqar'
VERSION = '1.0'
# Events waiting to be published; more are dropped.
QUEUE_SIZE = 10000
# Seconds between two log lines about a failing bus.
LOG_EVERY = 60.0


def _subscriber(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ''
    if parts.port:
        host = f'{host}:{parts.port}'
    return urlunsplit((parts.scheme, host, parts.path, '', ''))


def _queue(params: dict, ctx) -> dict:
    return {'project_id': ctx.project_id, 'queue_name': params['queue_name']}


def _queue_created(params, ctx, result):
    if not result:
        return None  # it existed: nothing was created
    data = _queue(params, ctx)
    payload_doc = params['payload'].parse_optional(default={})
    data['metadata'] = payload_doc if isinstance(payload_doc, dict) else {}
    return 'queue.create', 'QueuePayload', data


def _queue_updated(params, ctx, result):
    data = _queue(params, ctx)
    data['metadata'] = result
    return 'queue.update', 'QueuePayload', data


def _queue_deleted(params, ctx, result):
    return 'queue.delete', 'QueuePayload', _queue(params, ctx)


def _subscription_created(params, ctx, result):
    data = _queue(params, ctx)
    data['subscription_id'] = result.subscription_id
    document = params['payload'].parse_optional(default={})
    data['subscriber'] = _subscriber(str(document.get('subscriber', '')))
    return 'subscription.create', 'SubscriptionPayload', data


def _connection_subscription_created(params, ctx, result):
    data = _queue(params, ctx)
    data['subscription_id'] = result.subscription_id
    data['subscriber'] = params['connection'].subscriber(
        result.subscription_id)
    return 'subscription.create', 'SubscriptionPayload', data


def _connection_subscription_deleted(params, ctx, result):
    # A stored subscription's delete follows when the connection held none.
    return _subscription_deleted(params, ctx, result) if result else None


def _subscription_deleted(params, ctx, result):
    data = _queue(params, ctx)
    data['subscription_id'] = params['subscription_id']
    return 'subscription.delete', 'SubscriptionPayload', data


def _claim_created(params, ctx, result):
    claim_id, messages = result
    if claim_id is None:
        return None
    data = _queue(params, ctx)
    data.update(claim_id=claim_id, message_ids=[m.id for m in messages])
    return 'claim.create', 'ClaimPayload', data


def _message_posted(params, ctx, result):
    data = _queue(params, ctx)
    data['message_ids'] = list(result)
    return 'message.post', 'MessagePostPayload', data


#: action name -> builder of (event type, payload name, data) or None.
EVENTS: dict[str, Callable] = {
    'queue_create': _queue_created,
    'queue_update': _queue_updated,
    'queue_delete': _queue_deleted,
    'subscription_create': _subscription_created,
    'subscription_delete': _subscription_deleted,
    'connection_subscription_create': _connection_subscription_created,
    'connection_subscription_delete': _connection_subscription_deleted,
    'claim_create': _claim_created,
    'message_post': _message_posted,
}


class _RateLimit(logging.Filter):
    """Let one record through per ``interval`` seconds; count the rest.

    oslo.messaging logs every event it fails to send, with a traceback;
    while the bus is down that would be a flood.
    """

    def __init__(self, interval: float = LOG_EVERY):
        super().__init__()
        self.interval = interval
        self.last = -interval
        self.suppressed = 0

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        if now - self.last < self.interval:
            self.suppressed += 1
            return False
        if self.suppressed:
            record.msg = f'{record.msg} ({self.suppressed} similar ' \
                         f'messages suppressed)'
        self.last = now
        self.suppressed = 0
        return True


_SEND_FAILURES = _RateLimit()
# The logger oslo.messaging reports failed sends on.
_SEND_LOGGER = 'oslo_messaging.notify.messaging'


def payload(name: str, data: dict) -> dict:
    return {'zaqar_object.name': name, 'zaqar_object.namespace': NAMESPACE,
            'zaqar_object.version': VERSION, 'zaqar_object.data': data}


class Emitter:
    """Publishes events when a notification driver is configured."""

    def __init__(self, notifier=None):
        self._notifier = notifier
        self._queue: queue.Queue = queue.Queue(QUEUE_SIZE)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._last_log = 0.0
        self.sent = 0
        self.dropped = 0

    @classmethod
    def from_conf(cls, conf) -> Emitter:
        """An emitter for ``conf``; inactive without a notification driver."""
        from zaqar.common import messaging
        oslo_messaging = messaging.oslo_messaging()
        from oslo_messaging import opts as om_opts
        for group, options in om_opts.list_opts():
            if group == GROUP:
                conf.register_opts(options, group=GROUP)
        if not conf.oslo_messaging_notifications.driver:
            return cls()
        try:
            transport = oslo_messaging.get_notification_transport(conf)
            notifier = oslo_messaging.Notifier(
                transport, publisher_id=f'zaqar.{socket.gethostname()}',
                retry=0)
        except Exception:
            LOG.exception('OpenStack notifications are off: the '
                          'notification transport could not be set up')
            return cls()
        send_logger = logging.getLogger(_SEND_LOGGER)
        if _SEND_FAILURES not in send_logger.filters:
            send_logger.addFilter(_SEND_FAILURES)
        return cls(notifier)

    @property
    def enabled(self) -> bool:
        return self._notifier is not None

    def action_done(self, action: str, ctx, params: dict,
                    result: Any, spec: Any = None) -> None:
        """Queue the event of a successful ``action``, if it has one."""
        if self._notifier is None:
            return
        build = EVENTS.get(action)
        if build is None:
            return
        try:
            event = build(params, ctx, result)
        except Exception:
            LOG.exception('Could not build the %s notification', action)
            return
        if event is not None:
            event_type, name, data = event
            self.emit(ctx, event_type, payload(name, data))

    def emit(self, ctx, event_type: str, body: dict) -> None:
        """Queue one event (dropped when the queue is full)."""
        if self._notifier is None:
            return
        # oslo.messaging sends a context object's redacted copy (no token)
        # and drops plain dicts.
        context = ctx.redacted_copy()
        try:
            self._queue.put_nowait((context, event_type, body))
        except queue.Full:
            self.dropped += 1
            self._complain('notification queue full; events dropped')
            return
        self._ensure_thread()

    def _ensure_thread(self) -> None:
        if self._thread is not None:
            return
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, daemon=True, name='zaqar-events')
                self._thread.start()

    def _run(self) -> None:
        while True:
            context, event_type, body = self._queue.get()
            try:
                self._notifier.info(context, event_type, body)
                self.sent += 1
            except Exception as exc:  # noqa: BLE001 - logged, dropped
                self.dropped += 1
                self._complain(f'publishing {event_type} failed: {exc}')
            finally:
                self._queue.task_done()

    def _complain(self, what: str) -> None:
        now = time.monotonic()
        if now - self._last_log >= LOG_EVERY:
            self._last_log = now
            LOG.warning('OpenStack notifications: %s (%d dropped so far)',
                        what, self.dropped)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until queued events were handed over (tests)."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True
