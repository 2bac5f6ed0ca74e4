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

"""Long-polling wake-ups of a pooled store: those of the queue's pool.

A waiter listens on the pool holding the queue (on both pools of a queue
being moved). A queue on no pool yet is listened for on every pool, since
the post that creates it may place it on any of them.
"""

from __future__ import annotations

from zaqar.storage import base


class PooledSignals(base.Signals):
    """Forwards to the signals of the pool drivers."""

    def __init__(self, router):
        self._router = router

    def _pools(self, project: str, queue: str) -> list[str]:
        catalog = self._router.catalog
        return [name for name in catalog.route(project, queue)
                if name is not None]

    def subscribe(self, queue: str, *, project: str,
                  waiter: base.Waiter | None = None) -> base.Waiter:
        catalog = self._router.catalog
        # A queue on no pool: every pool, fresh (one just added counts).
        names = (self._pools(project, queue)
                 or sorted(catalog.pools(fresh=True)))
        mine = waiter is None
        waiter = waiter or base.Waiter()
        try:
            for name in names:
                catalog.driver(name).signals.subscribe(
                    queue, project=project, waiter=waiter)
        except Exception:
            if mine:
                waiter.close()
            raise
        return waiter

    def notify(self, queue: str, *, project: str) -> None:
        catalog = self._router.catalog
        for name in self._pools(project, queue):
            catalog.driver(name).signals.notify(queue, project=project)
