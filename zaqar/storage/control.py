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

"""The management-store contract: pools, flavors and the queue catalogue.

A management store (``[drivers] management_store``) keeps what pooling
needs to route: the registered pools (a data-store URI each), the flavors
that group them, and the catalogue saying which pool holds each queue.
Three implementations exist (SQL, Redis, MongoDB); the contract suite in
``tests/contract/test_management.py`` runs over all of them.

Pools and flavors are operator objects shared by every project (a flavor
is like a Nova flavor: created by the admin, usable by any project's
queues). A flavor's pools are the pools whose ``flavor`` field names it.
Catalogue entries are per project and queue.
"""

from __future__ import annotations

import abc
import dataclasses
from typing import Any

from zaqar.storage import errors

# A pool's flavor is left unchanged by an update (None clears it).
UNCHANGED: Any = object()


@dataclasses.dataclass(frozen=True, slots=True)
class Pool:
    """A registered data store that can hold queues."""

    name: str
    uri: str
    weight: int
    flavor: str | None = None
    options: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True, slots=True)
class Flavor:
    """A named group of pools; ``capabilities`` is stored as given."""

    name: str
    pool_list: tuple[str, ...] = ()
    capabilities: dict = dataclasses.field(default_factory=dict)


class PoolDoesNotExist(errors.StorageError):
    def __init__(self, name: str):
        super().__init__(f'Pool {name} does not exist')
        self.name = name


class PoolAlreadyExists(errors.StorageError):
    """Another pool is registered with the same URI (409)."""

    def __init__(self, uri_owner: str):
        super().__init__(f'Another pool ({uri_owner}) is already registered '
                         f'with this URI')
        self.uri_owner = uri_owner


class PoolInUse(errors.StorageError):
    """The pool still holds queues (409)."""

    def __init__(self, name: str):
        super().__init__(f'Pool {name} still holds queues; it cannot be '
                         f'deleted.')
        self.name = name


class PoolInUseByFlavor(errors.StorageError):
    """The pool is the last pool of a flavor (403)."""

    def __init__(self, name: str, flavor: str):
        super().__init__(f'This pool is used by flavors {flavor}; It cannot '
                         f'be deleted.')
        self.name = name
        self.flavor = flavor


class FlavorDoesNotExist(errors.StorageError):
    def __init__(self, name: str):
        super().__init__(f'Flavor {name} does not exist')
        self.name = name


class PlacementRefused(errors.StorageError):
    """A queue cannot be placed as asked (answered 400)."""


class UnknownFlavor(PlacementRefused):
    """``_flavor`` names a flavor that does not exist."""

    def __init__(self, name: str):
        super().__init__(f'Flavor {name} does not exist')
        self.name = name


class NoPoolFound(errors.StorageUnavailable):
    """No registered pool can take the queue (answered 503)."""


class PoolsController(abc.ABC):
    """Registered pools, sorted by name."""

    @abc.abstractmethod
    def put(self, pool: Pool) -> bool:
        """Register or replace a pool; True if it did not exist.

        Raises PoolAlreadyExists when another pool has the same URI.
        """

    @abc.abstractmethod
    def get(self, name: str) -> Pool:
        """Raises PoolDoesNotExist."""

    @abc.abstractmethod
    def list(self, *, marker: str | None = None,
             limit: int | None = 10) -> list[Pool]:
        """Pools with names after ``marker``; ``limit=None``: all of them."""

    def update(self, name: str, *, uri: str | None = None,
               weight: int | None = None, flavor: Any = UNCHANGED,
               options: dict | None = None) -> Pool:
        """Change the given fields; return the pool as stored.

        Raises PoolDoesNotExist, PoolAlreadyExists.
        """
        current = self.get(name)
        changed = dataclasses.replace(
            current,
            uri=current.uri if uri is None else uri,
            weight=current.weight if weight is None else weight,
            flavor=current.flavor if flavor is UNCHANGED else flavor,
            options=current.options if options is None else dict(options))
        self.put(changed)
        return changed

    @abc.abstractmethod
    def delete(self, name: str) -> None:
        """Remove a pool; a missing one is a no-op.

        Raises PoolInUse while the catalogue places queues on it, and
        PoolInUseByFlavor when it is the only pool of an existing flavor.
        """


class FlavorsController(abc.ABC):
    """Flavors: a name, stored capabilities, and the pools naming it."""

    @abc.abstractmethod
    def put(self, name: str, pool_list: list[str],
            capabilities: dict | None = None) -> bool:
        """Create or replace a flavor; True if it did not exist.

        The pools of ``pool_list`` get this flavor; pools that had it and
        are not listed lose it. Raises PoolDoesNotExist (changing nothing)
        when a listed pool is not registered.
        """

    @abc.abstractmethod
    def get(self, name: str) -> Flavor:
        """Raises FlavorDoesNotExist."""

    @abc.abstractmethod
    def list(self, *, marker: str | None = None,
             limit: int = 10) -> list[Flavor]:
        """Flavors with names after ``marker``, sorted by name."""

    def update(self, name: str, *, pool_list: list[str] | None = None,
               capabilities: dict | None = None) -> Flavor:
        """Change the pool list and/or capabilities; return the flavor.

        Raises FlavorDoesNotExist, PoolDoesNotExist.
        """
        current = self.get(name)
        self.put(name,
                 list(current.pool_list if pool_list is None else pool_list),
                 current.capabilities if capabilities is None
                 else capabilities)
        return self.get(name)

    @abc.abstractmethod
    def delete(self, name: str) -> None:
        """Remove a flavor and clear it from its pools (idempotent)."""


class CatalogueController(abc.ABC):
    """Which pool holds each (project, queue)."""

    @abc.abstractmethod
    def get(self, project: str, queue: str) -> str | None:
        """The pool holding the queue, or None when it is not placed."""

    @abc.abstractmethod
    def insert(self, project: str, queue: str, pool: str) -> str:
        """Place the queue on ``pool`` unless it is placed already.

        Atomic: of concurrent inserts exactly one wins.
        :returns: the pool holding the queue after the call.
        """

    @abc.abstractmethod
    def move(self, project: str, queue: str, pool: str) -> None:
        """Place the queue on ``pool`` whatever it was on (re-placement)."""

    @abc.abstractmethod
    def delete(self, project: str, queue: str) -> None:
        """Forget the queue's placement (idempotent)."""

    @abc.abstractmethod
    def pools_of(self, project: str) -> set[str]:
        """The pools holding at least one of the project's queues."""

    @abc.abstractmethod
    def count(self, pool: str) -> int:
        """How many queues are placed on ``pool``."""


class ControlDriver(abc.ABC):
    """A management store, built from a URI plus driver options."""

    #: Short name, matching the ``zaqar.storage.control`` entry point.
    name: str = ''
    #: The option group ``[drivers] management_store = <name>`` reads.
    option_group: str | None = None
    #: Whether an unset ``uri`` means an embedded store (see DataDriver).
    embedded_default: bool = False

    def __init__(self, uri: str, options: dict[str, Any] | None = None):
        self.uri = uri
        self.options = dict(options or {})

    @property
    @abc.abstractmethod
    def pools_controller(self) -> PoolsController:
        ...

    @property
    @abc.abstractmethod
    def flavors_controller(self) -> FlavorsController:
        ...

    @property
    @abc.abstractmethod
    def catalogue_controller(self) -> CatalogueController:
        ...

    @abc.abstractmethod
    def is_alive(self) -> bool:
        """Cheap reachability probe (never raises)."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release connections."""
