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

"""The notifier: leases due deliveries from the outbox and delivers them.

One dispatcher thread leases up to ``batch`` deliveries while fewer than
``2 * workers`` are in flight and hands them to a pool of ``workers``
threads ([notification] max_notifier_workers). Each worker looks the
subscription up (cached for a second or two), delivers by the subscriber's
scheme and settles: delivered and dropped deliveries are completed in
batches by the dispatcher; a transient failure is retried after the delay
the retry policy gives for its attempt count, or failed (and recorded on
the subscription) once the policy is exhausted.

Nothing is lost by stopping or killing a notifier: what it leased and did
not settle is due again when the lease runs out, and another notifier (or
this one restarted) delivers it. A receiver can therefore see a message
twice; ``X-Zaqar-Delivery`` is the same on every attempt of one delivery.

The notifier runs inside each API worker (``[notification]
notifier_in_api``), in ``zaqar-notifier`` processes, or both: leases keep
them from delivering the same thing at once. A post in this process wakes
the dispatcher at once; posts elsewhere are seen within ``poll_interval``.
"""

from __future__ import annotations

import concurrent.futures
import logging
import threading
import time
from typing import Any

from zaqar.metrics import hooks as metrics_hooks
from zaqar.notification import confirm, destinations, outcome, retry, subscribers
from zaqar.storage import base as storage_base
from zaqar.storage import errors as storage_errors

LOG = logging.getLogger(__name__)

# Seconds a looked-up subscription, secret or queue policy is reused.
LOOKUP_TTL = 2.0
# Longest pause after the outbox could not be read.
MAX_ERROR_PAUSE = 30.0


class _Target:
    """What a delivery needs to know about its subscription."""

    __slots__ = ('expires', 'queue_policy', 'state', 'sub')

    def __init__(self, sub, state, queue_policy, expires: float):
        self.sub = sub
        self.state = state
        self.queue_policy = queue_policy
        self.expires = expires


class Notifier:
    """Delivery threads of one process."""

    def __init__(self, svc, *, workers: int | None = None,
                 batch: int | None = None, lease: float | None = None,
                 poll_interval: float | None = None,
                 timeout: float | None = None):
        group = svc.conf.notification
        self.svc = svc
        self.outbox: storage_base.DeliveryController = svc.outbox
        self.workers = max(1, workers or group.max_notifier_workers)
        self.batch = max(1, batch or group.delivery_batch)
        self.lease_seconds = lease or group.delivery_lease
        self.poll_interval = poll_interval or group.delivery_poll_interval
        self.timeout = timeout or group.webhook_timeout
        self.allowlist = destinations.Allowlist.parse(
            group.destination_allowlist)
        self.capacity = 2 * self.workers
        self._pool = concurrent.futures.ThreadPoolExecutor(
            self.workers, thread_name_prefix='zaqar-notify')
        self._lock = threading.Lock()
        self._in_flight = 0
        self._done: list[storage_base.Delivery] = []
        self._targets: dict[tuple[str, str, str], _Target] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        #: Counters since start (delivered, dropped, retried, failed).
        self.counts = {outcome.DELIVERED: 0, outcome.DROPPED: 0,
                       outcome.RETRY: 0, outcome.FAILED: 0}

    # -- life cycle ----------------------------------------------------------

    def start(self) -> Notifier:
        if self._thread is None:
            self._thread = threading.Thread(target=self.run, daemon=True,
                                            name='zaqar-notifier')
            self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop leasing; wait a little for deliveries in flight."""
        self._stop.set()
        self.outbox.activity.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._pool.shutdown(wait=False, cancel_futures=True)

    def run(self) -> None:
        """The dispatcher loop (returns when stopped)."""
        pause = self.poll_interval
        while not self._stop.is_set():
            wake = self.outbox.activity
            wake.clear()
            try:
                self._flush()
                leased = self._lease()
            except storage_errors.StorageError as exc:
                LOG.warning('Notifier: the outbox is unavailable (%s); '
                            'retrying in %.0f s', exc, pause)
                self._stop.wait(pause)
                pause = min(pause * 2, MAX_ERROR_PAUSE)
                continue
            except Exception:
                LOG.exception('Notifier: unexpected failure; retrying')
                self._stop.wait(pause)
                pause = min(pause * 2, MAX_ERROR_PAUSE)
                continue
            pause = self.poll_interval
            if leased is None or not leased:
                wake.wait(self.poll_interval)
                continue
            for delivery in leased:
                self._pool.submit(self._work, delivery)
        try:
            self._flush()
        except Exception:
            LOG.warning('Notifier: completions lost at stop; those '
                        'deliveries will be made again', exc_info=True)

    def _lease(self) -> list[storage_base.Delivery] | None:
        """A batch to deliver, or None when the pool is full."""
        with self._lock:
            free = self.capacity - self._in_flight
        if free <= 0:
            return None
        leased = self.outbox.lease(min(self.batch, free), self.lease_seconds)
        with self._lock:
            self._in_flight += len(leased)
        return leased

    def _flush(self) -> None:
        with self._lock:
            done, self._done = self._done, []
        if done:
            try:
                self.outbox.complete(done)
            except Exception:
                with self._lock:
                    self._done[:0] = done
                raise

    # -- one delivery --------------------------------------------------------

    def _work(self, delivery: storage_base.Delivery) -> None:
        try:
            result = self.deliver(delivery)
            self._settle(delivery, result)
        except Exception:
            LOG.exception('Notifier: delivery %s could not be settled; it '
                          'comes back when its lease runs out', delivery.id)
        finally:
            with self._lock:
                self._in_flight -= 1
            self.outbox.activity.set()

    def _settle(self, delivery: storage_base.Delivery,
                result: outcome.Outcome) -> None:
        status = result.status
        if result.settled:
            with self._lock:
                self._done.append(delivery)
        elif status == outcome.RETRY:
            delay = self._schedule(delivery).delay(delivery.attempts)
            if delay is None:
                status = outcome.FAILED
                self.outbox.fail(delivery, result.error or 'failed')
            else:
                self.outbox.retry(delivery, time.time() + delay,
                                  result.error or 'failed')
        else:
            self.outbox.fail(delivery, result.error or 'failed')
        with self._lock:
            self.counts[status] += 1
        metrics_hooks.delivery(status)
        if status == outcome.FAILED:
            LOG.info('Delivery %s to subscription %s failed after %d '
                     'attempt(s): %s', delivery.id, delivery.subscription_id,
                     delivery.attempts, result.error)

    def _schedule(self, delivery: storage_base.Delivery) -> retry.Schedule:
        target = self._targets.get(self._key(delivery))
        sub_policy = queue_policy = None
        if target is not None:
            queue_policy = target.queue_policy
            if target.sub is not None:
                sub_policy = target.sub.options.get('_retry_policy')
        return retry.Schedule(retry.effective(sub_policy, queue_policy))

    @staticmethod
    def _key(delivery: storage_base.Delivery
             ) -> tuple[str, str, str, str]:
        return (delivery.project, delivery.scope, delivery.queue,
                delivery.subscription_id)

    def _target(self, delivery: storage_base.Delivery,
                fresh: bool = False) -> _Target:
        key = self._key(delivery)
        now = time.monotonic()
        target = self._targets.get(key)
        if not fresh and target is not None and target.expires > now:
            return target
        project, kind, queue, sub_id = key
        try:
            sub = self.svc.subscriptions.get(queue, sub_id, project=project,
                                             scope=kind)
        except storage_errors.SubscriptionDoesNotExist:
            sub = None
        state = policy = None
        if sub is not None:
            state = self.outbox.state(queue, sub_id, project=project,
                                      scope=kind)
            try:
                policy = self.svc.queues.get_metadata(
                    queue, project=project, scope=kind).get('_retry_policy')
            except storage_errors.QueueDoesNotExist:
                policy = None
        target = _Target(sub, state, policy, now + LOOKUP_TTL)
        if len(self._targets) > 10000:
            self._targets.clear()
        self._targets[key] = target
        return target

    def deliver(self, delivery: storage_base.Delivery) -> outcome.Outcome:
        """One attempt; never raises for a subscriber's failure."""
        try:
            target = self._target(delivery)
            if self._unwanted(delivery, target):
                # Never drop on cached state: it may have just changed.
                target = self._target(delivery, fresh=True)
        except storage_errors.StorageError as exc:
            return outcome.retry(f'storage unavailable: {exc}')
        sub = target.sub
        why = self._unwanted(delivery, target)
        if why:
            return outcome.dropped(why)
        if delivery.kind == storage_base.DELIVERY_MESSAGE:
            document = self._message_document(delivery)
            options = sub.options
        else:
            document = dict(delivery.payload)
            options = {k: v for k, v in sub.options.items()
                       if k != 'post_data'}
        return self._send(delivery, sub, target.state, document, options)

    def _unwanted(self, delivery: storage_base.Delivery,
                  target: _Target) -> str | None:
        """Why the delivery is not to be made (None: make it)."""
        sub = target.sub
        if sub is None:
            return 'the subscription is gone'
        if (delivery.kind == storage_base.DELIVERY_MESSAGE
                and confirm.required(self.svc.conf, sub.subscriber)
                and not sub.confirmed):
            return 'the subscription is not confirmed'
        return None

    def _message_document(self, delivery: storage_base.Delivery) -> dict:
        payload = delivery.payload
        document: dict[str, Any] = {'id': payload.get('id'),
                                    'body': payload.get('body'),
                                    'ttl': payload.get('ttl')}
        if payload.get('checksum'):
            document['checksum'] = payload['checksum']
        for field in ('dedup_id', 'group'):
            if payload.get(field) is not None:
                document[field] = payload[field]
        if self.svc.cipher is not None and isinstance(document['body'],
                                                      dict):
            document['body'] = self.svc.cipher.open(document['body'])
        document[f'{delivery.scope}_name'] = delivery.queue
        # The reference marks every message delivery this way (confirmation
        # requests carry their own Message_Type, see confirm.py).
        document['Message_Type'] = 'Notification'
        return document

    def _send(self, delivery, sub, state, document: dict,
              options: dict) -> outcome.Outcome:
        scheme = subscribers.lookup(sub.subscriber)
        if scheme is None:
            kind = subscribers.scheme_of(sub.subscriber)
            return outcome.failed(f'no delivery for {kind}: subscribers')
        return scheme.deliver(subscribers.Send(
            conf=self.svc.conf, subscriber=sub.subscriber, kind=delivery.kind,
            project=delivery.project, document=document, options=options,
            secret=state.secret if state is not None else None,
            trust_id=state.trust_id if state is not None else None,
            delivery_id=delivery.id, subscription_id=sub.id,
            timeout=self.timeout, allowlist=self.allowlist,
            traceparent=delivery.payload.get('traceparent')))
