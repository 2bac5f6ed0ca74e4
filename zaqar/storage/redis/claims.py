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

"""Claims: a record per claim in the queue's ``claims`` hash.

The claim id is made here (UUID4) and passed to the script, so a retried
create finds the claim it already made instead of claiming more messages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from zaqar.common import ids
from zaqar.storage import base, errors, models
from zaqar.storage.redis import keys, records

if TYPE_CHECKING:
    from zaqar.storage.redis.driver import DataDriver


class ClaimController(base.ClaimController):
    """Leases over batches of messages; see scripts/claim_*.lua."""

    def __init__(self, driver: DataDriver):
        self._driver = driver
        self._keys = driver.keys
        self._run = driver.executor.call

    def create(self, queue: str, *, project: str, ttl: int, grace: int,
               limit: int = 10) -> models.Claimed:
        claim_id = ids.uuid4()
        qkeys = self._keys.queue_keys(project, queue)
        at = records.now()
        args = (at, claim_id, int(ttl), int(grace), int(limit), queue,
                keys.queues_prefix(project), project)
        flat = self._run(lambda w, r: w.script('claim_create', qkeys, args))
        # flat[0]: how many messages the script dead-lettered.
        claimed = records.messages(flat, at, start=1)
        if not claimed:
            return models.Claimed(None, [], int(flat[0]))
        return models.Claimed(claim_id, claimed, int(flat[0]))

    def get(self, queue: str, claim_id: str, *,
            project: str) -> models.Claim:
        qkeys = self._keys.queue_keys(project, queue)
        at = records.now()
        flat = self._run(
            lambda w, r: w.script('claim_get', qkeys, (at, claim_id)))
        if not flat:
            raise errors.ClaimDoesNotExist(claim_id, queue, project)
        renewed = float(flat[1])
        return models.Claim(id=claim_id, ttl=int(float(flat[0])),
                            age=int(at - renewed),
                            messages=tuple(records.messages(flat, at, 2)))

    def update(self, queue: str, claim_id: str, *, project: str, ttl: int,
               grace: int) -> None:
        qkeys = self._keys.queue_keys(project, queue)
        args = (records.now(), claim_id, int(ttl), int(grace))
        if not self._run(
                lambda w, r: w.script('claim_update', qkeys, args)):
            raise errors.ClaimDoesNotExist(claim_id, queue, project)

    def delete(self, queue: str, claim_id: str, *, project: str) -> None:
        qkeys = self._keys.queue_keys(project, queue)
        args = (records.now(), claim_id)
        self._run(lambda w, r: w.script('claim_delete', qkeys, args))
