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

"""Shared machinery of the storage contract suite: one driver per test class.

Each contract module writes its tests once, as a mixin, and calls
``for_each_backend(globals(), Mixin)``; that defines one concrete TestCase
per backend of ``tests.backends.ALL`` (``QueueContractSQLite``,
``QueueContractRedis``, ...) so test ids name the backend they ran on.

The backend and its driver are built lazily by the first test of a class
that runs (so an unreachable backend skips or fails every test of the class
by name, per ``tests.backends.unavailable``) and torn down in
``tearDownClass``. A driver that cannot be loaded is an error in each test.
Every test works in fresh, unique projects and deletes its queues after.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from typing import Any, Iterable, Sequence

import testtools

from tests import backends
from zaqar.storage import base as storage_base
from zaqar.storage import loader, models

# Class-name suffix per backend name, so generated ids read naturally.
SUFFIXES = {
    'sqlite': 'SQLite',
    'postgresql': 'PostgreSQL',
    'mysql': 'MySQL',
    'redis': 'Redis',
    'mongodb': 'MongoDB',
}

# Seconds slept to let a 1-second ttl run out; the slack covers drivers
# that keep expiry times at a coarser resolution than the clock.
EXPIRY_WAIT = 1.5

# Default message ttl in tests: long enough never to expire by accident.
TTL = 300


class _BackendState:
    """One class's backend and driver, or why it could not be built."""

    def __init__(self) -> None:
        self.backend: backends.Backend | None = None
        self.uri: str | None = None
        self.options: dict = {}
        self.driver: storage_base.DataDriver | None = None
        self.skip: str | None = None
        self.failure: str | None = None
        self.error: BaseException | None = None
        self.traceback: Any = None


class ContractTestCase(testtools.TestCase):
    """Base of every generated contract class; knows its backend name."""

    #: Key of ``tests.backends.ALL``; set on each generated class.
    backend_name: str = ''
    _state: _BackendState | None = None
    _state_lock = threading.Lock()

    # -- class-level backend -------------------------------------------

    def _build_state(self) -> _BackendState:
        """Set up the backend and load the driver, recording any failure."""
        state = _BackendState()
        backend_cls = backends.ALL[self.backend_name]
        try:
            state.backend = backend_cls(self)
            state.uri, state.options = state.backend.setup()
            state.driver = loader.load_data_driver(
                backend_cls.driver, state.uri, state.options)
        except self.skipException as exc:
            state.skip = str(exc)
        except self.failureException as exc:
            state.failure = str(exc)
        except Exception as exc:  # noqa: BLE001 - surfaced in every test
            state.error = exc
            state.traceback = exc.__traceback__
        return state

    def _class_state(self) -> _BackendState:
        cls = type(self)
        with cls._state_lock:
            if cls.__dict__.get('_state') is None:
                cls._state = self._build_state()
            return cls._state

    @classmethod
    def tearDownClass(cls) -> None:
        state = cls.__dict__.get('_state')
        cls._state = None
        if state is not None:
            if state.driver is not None:
                try:
                    state.driver.close()
                except Exception:  # noqa: BLE001 - best effort
                    pass
            if state.backend is not None and state.uri is not None:
                state.backend.cleanup()
        super().tearDownClass()

    # -- per-test setup --------------------------------------------------

    def setUp(self) -> None:
        super().setUp()
        state = self._class_state()
        if state.skip is not None:
            self.skipTest(state.skip)
        if state.failure is not None:
            self.fail(state.failure)
        if state.error is not None:
            # Reset the traceback so re-raising does not pile frames up.
            raise state.error.with_traceback(state.traceback)
        self.driver = state.driver
        self.queues = self.driver.queue_controller
        self.messages = self.driver.message_controller
        self.claims = self.driver.claim_controller
        self.subscriptions = self.driver.subscription_controller
        self._projects: list[str] = []
        self._touched: set[tuple[str, str]] = set()
        self.project = self.new_project()
        self.other_project = self.new_project()
        self.client_uuid = str(uuid.uuid4())
        self.addCleanup(self._delete_queues)

    def new_project(self) -> str:
        """A project id no other test uses; its queues are cleaned up."""
        project = 'p-' + uuid.uuid4().hex
        self._projects.append(project)
        return project

    def new_driver(self) -> storage_base.DataDriver:
        """Another driver on the same store, like a second API worker.

        It is closed when the test ends.
        """
        state = self._class_state()
        driver = loader.load_data_driver(
            backends.ALL[self.backend_name].driver, state.uri, state.options)
        self.addCleanup(driver.close)
        return driver

    def _delete_queues(self) -> None:
        """Generic cleanup: every queue of every project this test used."""
        names = set(self._touched)
        for project in self._projects:
            try:
                names.update((project, q.name)
                             for q in self.all_queues(project))
            except Exception:  # noqa: BLE001 - cleanup must not mask
                pass
        for project, name in names:
            try:
                self.queues.delete(name, project=project)
            except Exception:  # noqa: BLE001
                pass

    # -- helpers ---------------------------------------------------------

    def qname(self, prefix: str = 'q') -> str:
        """A queue name recorded for cleanup (valid per the API rules)."""
        name = f'{prefix}-{uuid.uuid4().hex[:8]}'
        self._touched.add((self.project, name))
        self._touched.add((self.other_project, name))
        return name

    def make_queue(self, name: str | None = None, *,
                   project: str | None = None,
                   metadata: dict | None = None) -> str:
        name = name or self.qname()
        project = project or self.project
        self._touched.add((project, name))
        self.assertTrue(self.queues.create(name, project=project,
                                           metadata=metadata))
        return name

    def post(self, queue: str, count: int = 1, *, project: str | None = None,
             ttl: int = TTL, delay: int = 0, client_uuid: str | None = None,
             bodies: Sequence[Any] | None = None) -> list[str]:
        """Post ``count`` messages (bodies 0..count-1 unless given)."""
        project = project or self.project
        self._touched.add((project, queue))
        if bodies is None:
            bodies = list(range(count))
        items = [{'body': b, 'ttl': ttl, 'delay': delay} for b in bodies]
        ids = self.messages.post(queue, items, project=project,
                                 client_uuid=client_uuid or self.client_uuid)
        self.assertEqual(len(items), len(ids))
        return ids

    def all_queues(self, project: str, **kwargs) -> list[models.Queue]:
        """Every queue of ``project``, following markers page by page."""
        result: list[models.Queue] = []
        marker = None
        while True:
            page, marker = self.queues.list(project=project, marker=marker,
                                            limit=10, **kwargs)
            if not page:
                return result
            result.extend(page)

    def all_messages(self, queue: str, *, project: str | None = None,
                     limit: int = 10, **kwargs) -> list[models.Message]:
        """Every listed message, following markers page by page."""
        project = project or self.project
        kwargs.setdefault('echo', True)
        kwargs.setdefault('client_uuid', self.client_uuid)
        result: list[models.Message] = []
        marker = None
        for _ in range(10000):
            page, marker = self.messages.list(queue, project=project,
                                              marker=marker, limit=limit,
                                              **kwargs)
            if not page:
                self.assertIsNone(marker)
                return result
            self.assertIsNotNone(marker)
            result.extend(page)
        self.fail('message listing never ended')

    def listed_ids(self, queue: str, **kwargs) -> list[str]:
        return [m.id for m in self.all_messages(queue, **kwargs)]

    def claim(self, queue: str, *, limit: int = 10, ttl: int = TTL,
              grace: int = 60, project: str | None = None
              ) -> tuple[str | None, list[models.Message]]:
        claim_id, messages = self.claims.create(
            queue, project=project or self.project, ttl=ttl, grace=grace,
            limit=limit)
        return claim_id, list(messages)

    def wait_for_expiry(self, seconds: float = EXPIRY_WAIT) -> None:
        """Sleep past a 1-second ttl set directly at the storage level."""
        time.sleep(seconds)


def concurrency_messages(backend_name: str) -> int:
    """Message count for throughput tests, from the environment.

    ``ZAQAR_TEST_CONCURRENCY_MESSAGES_<BACKEND>`` beats
    ``ZAQAR_TEST_CONCURRENCY_MESSAGES``; MongoDB defaults to 500 because
    the test emulator writes only ~70 documents a second.
    """
    specific = os.environ.get(
        f'ZAQAR_TEST_CONCURRENCY_MESSAGES_{backend_name.upper()}')
    if specific:
        return int(specific)
    general = os.environ.get('ZAQAR_TEST_CONCURRENCY_MESSAGES')
    if general:
        return int(general)
    return 500 if backend_name == 'mongodb' else 2000


def for_each_backend(namespace: dict, *mixins: type,
                     names: Iterable[str] | None = None) -> None:
    """Define ``<Mixin><Backend>`` TestCases in ``namespace``.

    :param namespace: the calling module's ``globals()``.
    :param mixins: classes holding ``test_*`` methods (not TestCases).
    :param names: backend names to cover; all of ``backends.ALL`` if None.
    """
    for mixin in mixins:
        for name in names or backends.ALL:
            cls_name = mixin.__name__ + SUFFIXES.get(name, name.title())
            namespace[cls_name] = type(cls_name, (mixin, ContractTestCase), {
                'backend_name': name,
                '__module__': namespace['__name__'],
                '__qualname__': cls_name,
                '_state': None,
                '_state_lock': threading.Lock(),
            })
