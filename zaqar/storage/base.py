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

"""The storage contract every driver implements.

A data driver owns queues, messages, claims and subscriptions of the queues
placed on it. Every method takes ``project=`` as a required keyword: the
tenant is explicit everywhere below the API. Another project's data is
indistinguishable from data that was never created.

Conventions shared by all controllers:

* Times are wall-clock epoch seconds (``time.time()``); drivers compute
  ``age`` as ``int(now - created)``.
* Expired messages, claims and subscriptions are invisible to every method
  at once, whether or not ``gc()`` has removed them yet.
* Drivers raise only the exceptions of ``zaqar.storage.errors``. A lost
  connection or any unexpected backend failure is ``StorageUnavailable``.
* Inputs are already validated by the API layer (names, limits, ttls).

Scopes. Queues and topics are two kinds of record that share the shape
of a queue record (name, metadata, subscriptions, deliveries); every
method of QueueController and SubscriptionController, and the
queue-naming methods of DeliveryController, take ``scope=`` (``QUEUE``,
the default, or ``TOPIC``, from ``zaqar.storage.scope``) next to
``project=``. A driver stores the kind apart from the project (a column,
a key namespace, a document field) so that a topic and a queue of the
same name and project never meet: not in records, metadata,
subscriptions, deliveries, listings, counts nor deletes. Topics keep no
messages: message and claim methods are for queues only. One keyword
rather than a second set of controllers keeps each driver's code in one
place: a driver adds the scope to the keys it already builds.
"""

from __future__ import annotations

import abc
import asyncio
import dataclasses
import threading
from typing import Any, Iterable, Sequence

from zaqar.storage import models, transfer
from zaqar.storage.scope import QUEUE, TOPIC  # noqa: F401 - contract

# Capabilities a driver may advertise (used by flavors).
CAPABILITIES = ('FIFO', 'CLAIMS', 'DURABILITY', 'AOD', 'HIGH_THROUGHPUT')


class QueueController(abc.ABC):
    """Queue records: name plus a free-form metadata object."""

    @abc.abstractmethod
    def create(self, name: str, *, project: str, scope: str = QUEUE,
               metadata: dict | None = None) -> bool:
        """Create a queue; return False (changing nothing) if it exists."""

    @abc.abstractmethod
    def get_metadata(self, name: str, *, project: str,
                     scope: str = QUEUE) -> dict:
        """Return the stored metadata. Raises QueueDoesNotExist."""

    @abc.abstractmethod
    def set_metadata(self, name: str, metadata: dict, *,
                     project: str, scope: str = QUEUE) -> None:
        """Replace the metadata wholesale. Raises QueueDoesNotExist."""

    @abc.abstractmethod
    def exists(self, name: str, *, project: str, scope: str = QUEUE) -> bool:
        """Whether the queue record exists."""

    @abc.abstractmethod
    def delete(self, name: str, *, project: str, scope: str = QUEUE) -> None:
        """Delete the queue with its messages, claims and subscriptions.

        Idempotent: deleting a missing queue does nothing.
        """

    @abc.abstractmethod
    def list(self, *, project: str,
             scope: str = QUEUE, marker: str | None = None,
             limit: int = 10, detailed: bool = False,
             name: str | None = None
             ) -> tuple[list[models.Queue], str | None]:
        """One page of the project's queues sorted by name (byte order).

        :param marker: return only names strictly greater than this one.
        :param detailed: fill ``Queue.metadata`` (else it is None).
        :param name: keep names containing this substring (case-sensitive).
        :returns: (queues, next marker = last name of a non-empty page).
        """

    @abc.abstractmethod
    def count(self, *, project: str,
              scope: str = QUEUE, name: str | None = None) -> int:
        """Number of queues in the project (optionally name-filtered)."""

    @abc.abstractmethod
    def stats(self, name: str, *, project: str,
              scope: str = QUEUE) -> models.QueueStats:
        """Claimed/free counts and oldest/newest live message.

        Delayed messages count as free. A missing queue gives zero counts.
        """


class MessageController(abc.ABC):
    """Messages of a queue, in FIFO (post) order."""

    @abc.abstractmethod
    def post(self, queue: str, messages: Sequence[dict], *, project: str,
             client_uuid: str, traceparent: str | None = None) -> list[str]:
        """Append messages; create the queue record (empty metadata) if absent.

        Each item has ``body`` (any JSON value), ``ttl`` (int seconds),
        ``delay`` (int seconds, 0 = visible at once) and optionally
        ``checksum``, ``group`` (FIFO group, see ClaimController.create)
        and ``dedup_id`` with ``dedup_window`` (seconds; 0 or missing:
        stored, not deduplicated). The whole batch is stored atomically,
        with its notifications (DeliveryController); ``traceparent`` goes
        into their payloads, never into the messages.

        Idempotent posts: an item whose ``dedup_id`` the queue remembers
        (posted within that item's window, the original deleted or not)
        is not stored and answers with the original's id; so does a later
        item of the batch repeating an earlier one's. Concurrent posts of
        one ``dedup_id`` store exactly one message.
        :returns: the ids, in input order (new or original).
        """

    @abc.abstractmethod
    def list(self, queue: str, *, project: str, marker: str | None = None,
             limit: int = 10, echo: bool = False,
             client_uuid: str | None = None,
             include_claimed: bool = False, include_delayed: bool = False
             ) -> tuple[list[models.Message], str | None]:
        """One page of live messages in post order.

        :param marker: opaque string from a previous page; only messages
            posted after the message it designates are returned.
        :param echo: when False, hide messages posted by ``client_uuid``.
        :param include_claimed: include messages under a live claim.
        :param include_delayed: include messages whose delay has not passed.
        :returns: (messages, next marker; None when the page is empty).
        """

    @abc.abstractmethod
    def get(self, queue: str, message_id: str, *,
            project: str) -> models.Message:
        """One live message (delayed ones included).

        Raises MessageDoesNotExist (also for ids of the wrong format).
        """

    @abc.abstractmethod
    def bulk_get(self, queue: str, message_ids: Iterable[str], *,
                 project: str) -> list[models.Message]:
        """The live messages among ``message_ids``; unknown ids are skipped."""

    @abc.abstractmethod
    def delete(self, queue: str, message_id: str, *, project: str,
               claim_id: str | None = None) -> None:
        """Delete one message, honouring its claim.

        Checked in this order: a missing message is a no-op; with
        ``claim_id``: a claim that is missing or expired raises
        ClaimDoesNotExist, an unclaimed message raises MessageNotClaimed, a
        message under another claim raises MessageNotClaimedBy; without
        ``claim_id``: a claimed message raises MessageIsClaimed.
        """

    @abc.abstractmethod
    def bulk_delete(self, queue: str, message_ids: Iterable[str], *,
                    project: str,
                    claim_ids: Iterable[str] | None = None) -> None:
        """Delete the given messages whatever their claim state.

        With ``claim_ids``, only messages held by one of those live claims
        are deleted. Unknown ids are ignored.
        """

    @abc.abstractmethod
    def pop(self, queue: str, limit: int, *,
            project: str) -> list[models.Message]:
        """Atomically remove and return up to ``limit`` oldest messages
        that are neither claimed nor delayed."""


class ClaimController(abc.ABC):
    """Claims: a lease on a batch of messages for one consumer."""

    @abc.abstractmethod
    def create(self, queue: str, *, project: str, ttl: int, grace: int,
               limit: int = 10) -> models.Claimed:
        """Claim up to ``limit`` oldest unclaimed, undelayed live messages.

        FIFO groups: a message posted with a ``group`` is claimable only
        while no other message holds its group under a live claim (SQL and
        MongoDB: while it is the oldest live message of its group), and a
        call takes at most one message per group (also ``pop``).

        Atomic: concurrent callers never receive the same message while a
        claim on it is live. Each claimed message's ``claim_count`` goes up
        by one and its lifetime is raised so that it expires no earlier
        than ``now + ttl + grace``.

        Dead-lettering: when the queue's metadata has both
        ``_max_claim_count`` and ``_dead_letter_queue``, a selected message
        whose ``claim_count`` already reached ``_max_claim_count`` is moved
        (same id, same project) to the dead-letter queue instead of being
        claimed: the target queue record is created if missing and, when
        ``_dead_letter_queue_messages_ttl`` is set, the moved message gets
        that ttl counted from the move. Moved messages are not returned;
        the result's ``dead_lettered`` says how many this call moved (also
        when it claimed nothing).

        :returns: Claimed, unpacking as (claim id, claimed messages);
            (None, []) if nothing was claimed (missing queue included).
        """

    @abc.abstractmethod
    def get(self, queue: str, claim_id: str, *,
            project: str) -> models.Claim:
        """A live claim with its live messages. Raises ClaimDoesNotExist."""

    @abc.abstractmethod
    def update(self, queue: str, claim_id: str, *, project: str, ttl: int,
               grace: int) -> None:
        """Renew: age restarts at 0 with the new ttl; messages' lifetimes are
        raised as in create (claim counts do not change).

        Raises ClaimDoesNotExist.
        """

    @abc.abstractmethod
    def delete(self, queue: str, claim_id: str, *, project: str) -> None:
        """Release the claim; its messages become claimable at once.

        Idempotent. Lifetimes raised by the claim stay raised.
        """


class SubscriptionController(abc.ABC):
    """Subscribers attached to a queue; unique per project+queue+URI."""

    @abc.abstractmethod
    def create(self, queue: str, subscriber: str, ttl: int, options: dict, *,
               project: str, scope: str = QUEUE) -> str:
        """Add a subscription and return its id.

        If the same subscriber URI is already subscribed (and not expired)
        raises SubscriptionAlreadyExists.
        """

    @abc.abstractmethod
    def get(self, queue: str, subscription_id: str, *,
            project: str, scope: str = QUEUE) -> models.Subscription:
        """Raises SubscriptionDoesNotExist."""

    @abc.abstractmethod
    def get_with_subscriber(self, queue: str, subscriber: str, *,
                            project: str,
                            scope: str = QUEUE) -> models.Subscription | None:
        """The live subscription of ``subscriber`` on the queue, if any."""

    @abc.abstractmethod
    def list(self, queue: str, *, project: str,
             scope: str = QUEUE, marker: str | None = None,
             limit: int = 10
             ) -> tuple[list[models.Subscription], str | None]:
        """One page of live subscriptions ordered by id.

        :returns: (subscriptions, next marker = last id of a non-empty page).
        """

    @abc.abstractmethod
    def update(self, queue: str, subscription_id: str, *, project: str,
               scope: str = QUEUE,
               subscriber: str | None = None, ttl: int | None = None,
               options: dict | None = None) -> None:
        """Change the given fields; a new ttl restarts the age at 0.

        Raises SubscriptionDoesNotExist, or SubscriptionAlreadyExists when
        the new subscriber URI is taken on the queue.
        """

    @abc.abstractmethod
    def confirm(self, queue: str, subscription_id: str, confirmed: bool, *,
                project: str, scope: str = QUEUE) -> None:
        """Set the confirmed flag. Raises SubscriptionDoesNotExist."""

    @abc.abstractmethod
    def delete(self, queue: str, subscription_id: str, *,
               project: str, scope: str = QUEUE) -> None:
        """Idempotent delete."""


# Kinds of delivery: a posted message, or a (un)subscribe confirmation
# request sent to the subscriber.
DELIVERY_MESSAGE = 'message'
DELIVERY_CONFIRM = 'confirm'
DELIVERY_UNSUBSCRIBE = 'unsubscribe'


@dataclasses.dataclass(frozen=True, slots=True)
class Delivery:
    """One pending notification to one subscription, as leased.

    ``payload`` of a message delivery is the message as posted: ``id``,
    ``body`` (as stored, so still sealed on encrypting queues), ``ttl``
    and, when stored, ``checksum``, ``dedup_id``, ``group`` and the posting
    request's W3C ``traceparent`` (kept only when tracing is on, so that
    the delivery continues the post's trace). ``attempts`` counts leases so far, this
    one included; ``lease`` is the token that completes, retries or fails
    it (a lease that ran out and was handed to someone else no longer can).
    """

    id: str
    project: str
    queue: str
    subscription_id: str
    kind: str
    payload: dict
    attempts: int
    created: float
    lease: str
    last_error: str | None = None
    #: QUEUE or TOPIC: what ``queue`` names.
    scope: str = QUEUE


@dataclasses.dataclass(frozen=True, slots=True)
class SubscriberState:
    """What the delivery pipeline keeps per subscription."""

    #: Key of the webhook signature (None until set).
    secret: str | None = None
    #: Keystone trust of a ``trust+http(s)`` subscription.
    trust_id: str | None = None
    #: Deliveries that exhausted their retries, and the last such failure.
    failed: int = 0
    last_error: str | None = None
    last_failure_at: float | None = None


class DeliveryController(abc.ABC):
    """The durable outbox of notifications, shared by every project.

    ``MessageController.post`` on a queue with live subscriptions enqueues
    one delivery per message and subscription, in the same atomic step as
    the messages where the backend allows (SQL transaction, Redis script;
    MongoDB right after the insert, see its driver). A delivery is due from
    the end of its message's delay. Workers ``lease`` due deliveries, which
    hides them for the lease time, and then ``complete``, ``retry`` or
    ``fail`` them; a lease that is never settled (a crashed worker) simply
    runs out and the delivery is due again: delivery is at least once.
    """

    #: Set whenever this process enqueued deliveries (wakes local workers).
    @property
    def activity(self) -> threading.Event:
        event = self.__dict__.get('_activity')
        if event is None:
            event = self.__dict__.setdefault('_activity', threading.Event())
        return event

    @activity.setter
    def activity(self, event: threading.Event) -> None:
        """Share another event (the pooling router wakes on any pool's)."""
        self.__dict__['_activity'] = event

    @abc.abstractmethod
    def enqueue(self, queue: str, subscription_id: str, kind: str,
                payload: dict, *, project: str,
                scope: str = QUEUE, delay: float = 0) -> str:
        """Add one delivery, due after ``delay`` seconds; return its id."""

    @abc.abstractmethod
    def fan_out(self, queue: str, messages: Sequence[dict], *,
                project: str,
                scope: str = QUEUE, traceparent: str | None = None) -> int:
        """Enqueue each message (``id``, ``body``, ``ttl``, ``delay``,
        optional ``checksum``) for every live subscription of the queue,
        with ``traceparent`` in each payload when given.

        With ``scope=TOPIC`` (a topic post: topics keep no messages) the
        topic record is created, with empty metadata, when it is missing,
        in the same atomic step as the deliveries.

        :returns: how many deliveries were enqueued.
        """

    @abc.abstractmethod
    def lease(self, limit: int, seconds: float, *,
              project: str | None = None) -> list[Delivery]:
        """Up to ``limit`` due deliveries of any project (or of ``project``
        only), earliest due first, each hidden for ``seconds`` under a new
        lease token with ``attempts`` raised by one. Concurrent callers
        never get the same delivery while a lease on it holds."""

    @abc.abstractmethod
    def complete(self, deliveries: Iterable[Delivery]) -> None:
        """Remove delivered ones (those whose lease was lost are kept)."""

    @abc.abstractmethod
    def retry(self, delivery: Delivery, at: float, error: str) -> bool:
        """Make it due again at epoch ``at``, noting ``error``.

        :returns: False when the lease was lost (nothing changed).
        """

    @abc.abstractmethod
    def fail(self, delivery: Delivery, error: str) -> bool:
        """Give up: remove it and count a failure on its subscription.

        :returns: False when the lease was lost (nothing changed).
        """

    @abc.abstractmethod
    def pending(self, queue: str, *, project: str, scope: str = QUEUE) -> int:
        """Deliveries of the queue not yet settled (leased ones included)."""

    @abc.abstractmethod
    def state(self, queue: str, subscription_id: str, *,
              project: str, scope: str = QUEUE) -> SubscriberState:
        """The subscription's secret and failure record (defaults if none)."""

    @abc.abstractmethod
    def set_secret(self, queue: str, subscription_id: str,
                   secret: str | None, *, project: str,
                   scope: str = QUEUE) -> None:
        """Store (replace) the subscription's signing secret."""

    @abc.abstractmethod
    def set_trust(self, queue: str, subscription_id: str,
                  trust_id: str | None, *, project: str,
                  scope: str = QUEUE) -> None:
        """Store the subscription's Keystone trust id."""


class Waiter:
    """One subscription to a queue's "message available" signal (``wait``).

    Made by ``Signals.subscribe`` *before* the caller checks the queue, so a
    signal sent between that check and the wait is never lost: it sets the
    waiter, and the wait that follows returns at once. Waited on either in a
    thread (``wait``) or on an event loop (``wait_async``, no thread held);
    ``fire`` may come from any thread. A fired waiter only means "look
    again": another consumer may have taken the message meanwhile.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._event = threading.Event()
        self._future: asyncio.Future | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._cleanups: list = []
        self._closed = False

    @property
    def fired(self) -> bool:
        return self._event.is_set()

    def fire(self) -> None:
        """Wake the wait (now or when it starts)."""
        with self._lock:
            self._event.set()
            future, loop = self._future, self._loop
        if future is not None:
            try:
                loop.call_soon_threadsafe(_resolve, future)
            except RuntimeError:  # the loop is closed: nobody waits
                pass

    def wait(self, timeout: float) -> bool:
        """Block this thread until fired or ``timeout``; whether fired."""
        return self._event.wait(max(timeout, 0.0))

    async def wait_async(self, timeout: float) -> bool:
        """Await on the running loop until fired or ``timeout``."""
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._event.is_set():
                return True
            self._future, self._loop = loop.create_future(), loop
        try:
            async with asyncio.timeout(max(timeout, 0.0)):
                await self._future
            return True
        except TimeoutError:
            return self._event.is_set()

    def on_close(self, cleanup) -> None:
        """Call ``cleanup()`` when the waiter is closed (unsubscribe)."""
        self._cleanups.append(cleanup)

    def close(self) -> None:
        """Unsubscribe from everything it was subscribed to (idempotent)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            cleanups, self._cleanups = self._cleanups, []
        for cleanup in cleanups:
            cleanup()

    def __enter__(self) -> Waiter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _resolve(future: asyncio.Future) -> None:
    if not future.done():
        future.set_result(True)


class Signals(abc.ABC):
    """Whether a message may be available, told between API processes.

    What long polling (``wait``) waits on instead of polling the store.
    ``notify`` is called after a post (and a claim release) succeeded; it
    reaches the waiters of the same queue in this process and in every
    other API process sharing the store (by the backend's own channel:
    Redis pub/sub, PostgreSQL LISTEN/NOTIFY) or, for stores without one, in
    every process of this host (``zaqar.storage.signals``). Best effort: a
    lost signal costs latency, never a message, because a waiter always
    checks the queue again when its wait ends.
    """

    @abc.abstractmethod
    def subscribe(self, queue: str, *, project: str,
                  waiter: Waiter | None = None) -> Waiter:
        """Start listening for ``queue``; the returned waiter (``waiter``
        when given, so one waiter can listen on several stores) must be
        closed. Returns only once a notify sent afterwards will reach it."""

    @abc.abstractmethod
    def notify(self, queue: str, *, project: str) -> None:
        """Wake the waiters of ``queue`` everywhere (never raises)."""

    def close(self) -> None:
        """Stop listening (background listener, sockets)."""


class DataDriver(abc.ABC):
    """A backend holding queues and everything in them.

    Constructed from a URI (``sqlite:///...``, ``postgresql://...``,
    ``redis://...``, ``mongodb://...``) plus driver-specific options, so a
    pool can be described by its URI alone.
    """

    #: Short name, matching the ``zaqar.storage.data`` entry point.
    name: str = ''
    #: Subset of CAPABILITIES.
    capabilities: tuple[str, ...] = ()
    #: URI schemes it serves (a pool's URI picks its driver by them; a
    #: ``family+dialect`` scheme also matches ``family``).
    uri_schemes: tuple[str, ...] = ()
    #: The option group ``[drivers] message_store = <name>`` reads (None:
    #: not selectable there, as the pooling router).
    option_group: str | None = None
    #: Whether an unset ``uri`` means an embedded store in the data
    #: directory rather than a configuration error.
    embedded_default: bool = False

    def __init__(self, uri: str, options: dict[str, Any] | None = None):
        self.uri = uri
        self.options = dict(options or {})

    @property
    @abc.abstractmethod
    def queue_controller(self) -> QueueController:
        ...

    @property
    @abc.abstractmethod
    def message_controller(self) -> MessageController:
        ...

    @property
    @abc.abstractmethod
    def claim_controller(self) -> ClaimController:
        ...

    @property
    @abc.abstractmethod
    def subscription_controller(self) -> SubscriptionController:
        ...

    @property
    @abc.abstractmethod
    def delivery_controller(self) -> DeliveryController:
        """The notification outbox."""

    @property
    @abc.abstractmethod
    def transfer_controller(self) -> transfer.TransferController:
        """Whole-record export and import (moving a queue between pools)."""

    @property
    @abc.abstractmethod
    def signals(self) -> Signals:
        """Wake-ups of long-polling readers (``wait``)."""

    @abc.abstractmethod
    def is_alive(self) -> bool:
        """Cheap reachability probe (never raises)."""

    @abc.abstractmethod
    def gc(self) -> int:
        """Physically remove expired data; return how many items went."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release connections."""
