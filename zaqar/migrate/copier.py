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

"""Write what the readers found into this service's stores, resumably.

Every copied item's reference id is recorded in a JSON state file after
each batch, so a second run (after a crash or to pick up what arrived
since) skips what is already there. Messages get new ids from this
service's driver; a message that was claimed or delayed is posted with a
delay of what remained of its claim or delay, so no other consumer sees
it before the old claim would have ended. Bodies the reference sealed
are opened and re-sealed (see ``bodies``); one that the old key cannot
open is reported and left for a re-run with the right key. Pools are
copied without flavor first, then flavors name their pools, then the
catalog.
"""

from __future__ import annotations

import collections
import dataclasses
import json
import os
import time
from collections.abc import Callable

from zaqar.migrate import bodies as bodies_mod
from zaqar.migrate import records, reference_crypto
from zaqar.migrate import source as source_mod
from zaqar.storage import control
from zaqar.storage import errors as storage_errors

# Messages posted per storage call.
BATCH = 100
# The Client-ID the copied messages carry.
CLIENT_ID = '00000000-0000-4000-8000-00000000a11d'


@dataclasses.dataclass
class Summary:
    """Counts per project and queue: found in the reference, present
    here (``copied``, earlier runs included) and ``skipped`` as already
    copied by an earlier run."""

    found: collections.Counter = dataclasses.field(
        default_factory=collections.Counter)
    copied: collections.Counter = dataclasses.field(
        default_factory=collections.Counter)
    skipped: collections.Counter = dataclasses.field(
        default_factory=collections.Counter)
    seconds: float = 0.0

    def rows(self) -> list[tuple[str, int, int]]:
        keys = sorted(set(self.found) | set(self.copied))
        return [(key, self.found[key], self.copied[key]) for key in keys]


class State:
    """Reference ids already copied, kept in a JSON file."""

    def __init__(self, path: str | None):
        self.path = path
        self.done: dict[str, list[str]] = {}
        if path and os.path.exists(path):
            with open(path) as f:
                self.done = json.load(f)
        self._sets = {k: set(v) for k, v in self.done.items()}

    def has(self, kind: str, key: str) -> bool:
        return key in self._sets.get(kind, ())

    def add(self, kind: str, keys: list[str]) -> None:
        self._sets.setdefault(kind, set()).update(keys)
        self.done.setdefault(kind, []).extend(keys)

    def save(self) -> None:
        if not self.path:
            return
        tmp = self.path + '.tmp'
        with open(tmp, 'w') as f:
            json.dump(self.done, f)
        os.replace(tmp, self.path)


class Copier:
    """Copies one Source into a data driver and a management store."""

    def __init__(self, source: source_mod.Source, storage, control_store,
                 state: State, bodies: bodies_mod.Bodies,
                 progress: Callable[[str], None] = print):
        self.source = source
        self.bodies = bodies
        self.storage = storage
        self.control = control_store
        self.state = state
        self.progress = progress
        self.summary = Summary()

    def run(self) -> Summary:
        started = time.monotonic()
        if (hasattr(self.source.management, 'pools')
                and self.control is not None):
            self._pools_and_flavors()
        placements = self.source.placements()
        for queue in self.source.queues():
            self._queue(queue, placements)
        if placements and self.control is not None:
            self._catalog(placements)
        self.summary.seconds = time.monotonic() - started
        return self.summary

    def _pools_and_flavors(self) -> None:
        pools = list(self.source.management.pools())
        members = collections.defaultdict(list)
        for pool in pools:
            self.summary.found['pools'] += 1
            if pool.flavor:
                members[pool.flavor].append(pool.name)
            if self.state.has('pools', pool.name):
                self._skip('pools')
                continue
            self.control.pools_controller.put(control.Pool(
                pool.name, pool.uri, pool.weight, None, pool.options))
            self._done('pools', [pool.name], 'pools')
        for flavor in self.source.management.flavors():
            self.summary.found['flavors'] += 1
            if self.state.has('flavors', flavor.name):
                self._skip('flavors')
                continue
            self.control.flavors_controller.put(
                flavor.name, members.get(flavor.name, []),
                flavor.capabilities)
            self._done('flavors', [flavor.name], 'flavors')

    def _catalog(self, placements: dict) -> None:
        catalogue = self.control.catalogue_controller
        for (project, queue), pool in sorted(placements.items()):
            self.summary.found['catalog'] += 1
            key = f'{project}/{queue}'
            if self.state.has('catalog', key):
                self._skip('catalog')
                continue
            if catalogue.get(project, queue) is None:
                catalogue.insert(project, queue, pool)
            self._done('catalog', [key], 'catalog')

    def _skip(self, counter: str) -> None:
        """An item an earlier run copied: present, so counted as copied."""
        self.summary.copied[counter] += 1
        self.summary.skipped[counter] += 1

    def _done(self, kind: str, keys: list[str], counter: str) -> None:
        self.state.add(kind, keys)
        self.state.save()
        self.summary.copied[counter] += len(keys)

    def _queue(self, queue: records.Queue, placements: dict) -> None:
        label = f'{queue.project}/{queue.name}'
        self.summary.found[f'queues {queue.project}'] += 1
        queues = self.storage.queue_controller
        metadata, warning = self.bodies.queue_metadata(queue.metadata)
        if warning:
            self.progress(f'{label}: {warning}')
        if not self.state.has('queues', label):
            queues.create(queue.name, project=queue.project,
                          metadata=metadata)
            queues.set_metadata(queue.name, metadata, project=queue.project)
            self._done('queues', [label], f'queues {queue.project}')
        else:
            self._skip(f'queues {queue.project}')
        layout = self.source.layout_for(queue, placements)
        if layout is None:
            self.progress(f'{label}: no pool holds it in the catalog; '
                          f'its messages are not copied')
            return
        now = time.time()
        self._messages(queue, label, layout, now,
                       bool(metadata.get(bodies_mod.ENCRYPT_FLAG)))
        self._subscriptions(queue, label, layout, now)

    def _messages(self, queue, label, layout, now, encrypted) -> None:
        pending: list[tuple[str, dict]] = []
        counter = f'messages {label}'

        def flush():
            if not pending:
                return
            self.storage.message_controller.post(
                queue.name, [item for _, item in pending],
                project=queue.project, client_uuid=CLIENT_ID)
            self._done('messages', [mid for mid, _ in pending], counter)
            pending.clear()

        for message in layout.messages(queue.project, queue.name, now):
            self.summary.found[counter] += 1
            if self.state.has('messages', message.id):
                self._skip(counter)
                continue
            try:
                item = self.bodies.post_item(message, encrypted)
            except reference_crypto.SealedBodyError as exc:
                self.progress(f'{label}: message {message.id} not copied: '
                              f'the old deployment\'s key does not open '
                              f'it ({exc})')
                continue
            pending.append((message.id, item))
            if len(pending) >= BATCH:
                flush()
        flush()
        self.progress(f'{label}: {self.summary.copied[counter]} of '
                      f'{self.summary.found[counter]} messages copied')

    def _subscriptions(self, queue, label, layout, now) -> None:
        controller = self.storage.subscription_controller
        counter = f'subscriptions {label}'
        for sub in layout.subscriptions(queue.project, queue.name, now):
            self.summary.found[counter] += 1
            if self.state.has('subscriptions', sub.id):
                self._skip(counter)
                continue
            existing = controller.get_with_subscriber(
                queue.name, sub.subscriber, project=queue.project)
            if existing is None:
                try:
                    new_id = controller.create(
                        queue.name, sub.subscriber, sub.ttl, sub.options,
                        project=queue.project)
                except storage_errors.StorageError as exc:
                    self.progress(f'{label}: subscription {sub.subscriber} '
                                  f'not copied: {exc}')
                    continue
            else:
                new_id = existing.id
            if sub.confirmed:
                controller.confirm(queue.name, new_id, True,
                                   project=queue.project)
            self._done('subscriptions', [sub.id], counter)

