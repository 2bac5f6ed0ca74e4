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
"""

from __future__ import annotations

import abc
from typing import Any, Iterable, Sequence

from zaqar.storage import models

# Capabilities a driver may advertise (used by flavors).
CAPABILITIES = ('FIFO', 'CLAIMS', 'DURABILITY', 'AOD', 'HIGH_THROUGHPUT')


class QueueController(abc.ABC):
    """Queue records: name plus a free-form metadata object."""

    @abc.abstractmethod
    def create(self, name: str, *, project: str,
               metadata: dict | None = None) -> bool:
        """Create a queue; return False (changing nothing) if it exists."""

    @abc.abstractmethod
    def get_metadata(self, name: str, *, project: str) -> dict:
        """Return the stored metadata. Raises QueueDoesNotExist."""

    @abc.abstractmethod
    def set_metadata(self, name: str, metadata: dict, *,
                     project: str) -> None:
        """Replace the metadata wholesale. Raises QueueDoesNotExist."""

    @abc.abstractmethod
    def exists(self, name: str, *, project: str) -> bool:
        """Whether the queue record exists."""

    @abc.abstractmethod
    def delete(self, name: str, *, project: str) -> None:
        """Delete the queue with its messages, claims and subscriptions.

        Idempotent: deleting a missing queue does nothing.
        """

    @abc.abstractmethod
    def list(self, *, project: str, marker: str | None = None,
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
    def count(self, *, project: str, name: str | None = None) -> int:
        """Number of queues in the project (optionally name-filtered)."""

    @abc.abstractmethod
    def stats(self, name: str, *, project: str) -> models.QueueStats:
        """Claimed/free counts and oldest/newest live message.

        Delayed messages count as free. A missing queue gives zero counts.
        """


class MessageController(abc.ABC):
    """Messages of a queue, in FIFO (post) order."""

    @abc.abstractmethod
    def post(self, queue: str, messages: Sequence[dict], *, project: str,
             client_uuid: str) -> list[str]:
        """Append messages; create the queue record (empty metadata) if absent.

        Each item has ``body`` (any JSON value), ``ttl`` (int seconds),
        ``delay`` (int seconds, 0 = visible at once) and optionally
        ``checksum``. The whole batch is stored atomically.
        :returns: the new ids, in input order.
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
               limit: int = 10
               ) -> tuple[str | None, list[models.Message]]:
        """Claim up to ``limit`` oldest unclaimed, undelayed live messages.

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
        that ttl counted from the move. Moved messages are not returned.

        :returns: (claim id, claimed messages); (None, []) if nothing was
            claimed (missing queue included).
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
               project: str) -> str:
        """Add a subscription and return its id.

        If the same subscriber URI is already subscribed (and not expired)
        raises SubscriptionAlreadyExists.
        """

    @abc.abstractmethod
    def get(self, queue: str, subscription_id: str, *,
            project: str) -> models.Subscription:
        """Raises SubscriptionDoesNotExist."""

    @abc.abstractmethod
    def get_with_subscriber(self, queue: str, subscriber: str, *,
                            project: str) -> models.Subscription | None:
        """The live subscription of ``subscriber`` on the queue, if any."""

    @abc.abstractmethod
    def list(self, queue: str, *, project: str, marker: str | None = None,
             limit: int = 10
             ) -> tuple[list[models.Subscription], str | None]:
        """One page of live subscriptions ordered by id.

        :returns: (subscriptions, next marker = last id of a non-empty page).
        """

    @abc.abstractmethod
    def update(self, queue: str, subscription_id: str, *, project: str,
               subscriber: str | None = None, ttl: int | None = None,
               options: dict | None = None) -> None:
        """Change the given fields; a new ttl restarts the age at 0.

        Raises SubscriptionDoesNotExist, or SubscriptionAlreadyExists when
        the new subscriber URI is taken on the queue.
        """

    @abc.abstractmethod
    def confirm(self, queue: str, subscription_id: str, confirmed: bool, *,
                project: str) -> None:
        """Set the confirmed flag. Raises SubscriptionDoesNotExist."""

    @abc.abstractmethod
    def delete(self, queue: str, subscription_id: str, *,
               project: str) -> None:
        """Idempotent delete."""


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

    @abc.abstractmethod
    def is_alive(self) -> bool:
        """Cheap reachability probe (never raises)."""

    @abc.abstractmethod
    def gc(self) -> int:
        """Physically remove expired data; return how many items went."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release connections."""
