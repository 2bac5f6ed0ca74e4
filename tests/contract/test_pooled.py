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

"""Pooled backend only: the suite's queues really are spread over the pools,
each queue's data is on the pool the catalogue names, and a second router
on the same management store (another API worker) routes alike."""

from __future__ import annotations

from tests import pooled_backend
from tests.contract import base


class PooledSpreadContract:

    def test_queues_spread_over_every_pool_of_each_driver(self):
        names = [self.make_queue() for _ in range(30)]
        catalogue = self.driver.store.catalogue_controller
        placed = {name: catalogue.get(self.project, name) for name in names}
        self.assertEqual({p[0] for p in pooled_backend.POOLS},
                         set(placed.values()))
        drivers = self.driver.pool_drivers()
        self.assertEqual({'redis', 'sqlalchemy'},
                         {d.name for d in drivers.values()})
        for name, pool in placed.items():
            for other, driver in drivers.items():
                self.assertEqual(other == pool, driver.queue_controller.exists(
                    name, project=self.project), (name, other))

    def test_a_second_router_routes_alike(self):
        other = self.new_driver()
        name = self.make_queue(metadata={'k': 1})
        ids = self.post(name, 3)
        self.assertEqual({'k': 1}, other.queue_controller.get_metadata(
            name, project=self.project))
        self.assertEqual(ids, [m.id for m in other.message_controller.list(
            name, project=self.project, echo=True,
            client_uuid=self.client_uuid)[0]])
        claim_id, claimed = other.claim_controller.create(
            name, project=self.project, ttl=60, grace=60, limit=1)
        self.assertEqual(ids[:1], [m.id for m in claimed])
        self.assertEqual(claim_id, self.claims.get(
            name, claim_id, project=self.project).id)


base.for_each_backend(globals(), PooledSpreadContract, names=('pooled',))
