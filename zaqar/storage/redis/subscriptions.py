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

"""Subscriptions: per-queue hashes keyed by id and by subscriber URI."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from zaqar.storage import base, errors, models
from zaqar.storage.redis import records

if TYPE_CHECKING:
    from zaqar.storage.redis.driver import DataDriver


class SubscriptionController(base.SubscriptionController):
    """One live subscription per URI per queue; see scripts/sub_*.lua."""

    def __init__(self, driver: DataDriver):
        self._driver = driver
        self._keys = driver.keys
        self._run = driver.executor.call

    def _call(self, name: str, queue: str, project: str, scope: str,
              args: tuple):
        skeys = self._keys.subscription_keys(project, queue, scope)
        return self._run(lambda w, r: w.script(name, skeys, args))

    def create(self, queue: str, subscriber: str, ttl: int, options: dict, *,
               project: str, scope: str = base.QUEUE) -> str:
        sub_id = str(uuid.uuid4())
        at = records.now()
        record = records.subscription_record(subscriber, int(ttl), options,
                                             at)
        stored = self._call('sub_create', queue, project, scope,
                            (at, sub_id, subscriber, record, at + int(ttl)))
        if not stored:
            raise errors.SubscriptionAlreadyExists(
                f'{subscriber} is already subscribed to queue {queue}')
        return sub_id

    def get(self, queue: str, subscription_id: str, *,
            project: str, scope: str = base.QUEUE) -> models.Subscription:
        subs, _, subexp = self._keys.subscription_keys(project, queue, scope)

        commands = (('HGET', subs, subscription_id),
                    ('ZSCORE', subexp, subscription_id))
        raw, expires = self._run(lambda w, r: w.batch(commands))
        at = records.now()
        if raw is None or expires is None or float(expires) <= at:
            raise errors.SubscriptionDoesNotExist(subscription_id)
        return records.subscription(subscription_id, queue, raw, at)

    def get_with_subscriber(self, queue: str, subscriber: str, *,
                            project: str, scope: str = base.QUEUE
                            ) -> models.Subscription | None:
        at = records.now()
        found = self._call('sub_find', queue, project, scope, (at, subscriber))
        if not found:
            return None
        return records.subscription(found[0], queue, found[1], at)

    def list(self, queue: str, *, project: str,
             scope: str = base.QUEUE, marker: str | None = None,
             limit: int = 10
             ) -> tuple[list[models.Subscription], str | None]:
        at = records.now()
        flat = self._call('sub_list', queue, project, scope,
                          (at, marker or '', int(limit)))
        subs = [records.subscription(flat[i], queue, flat[i + 1], at)
                for i in range(0, len(flat), 2)]
        return subs, (subs[-1].id if subs else None)

    def update(self, queue: str, subscription_id: str, *, project: str,
               scope: str = base.QUEUE,
               subscriber: str | None = None, ttl: int | None = None,
               options: dict | None = None) -> None:
        args = (records.now(), subscription_id,
                '0' if subscriber is None else '1', subscriber or '',
                '0' if ttl is None else '1', 0 if ttl is None else int(ttl),
                '0' if options is None else '1',
                records.encode_metadata(options) if options is not None
                else '')
        result = self._call('sub_update', queue, project, scope, args)
        if result == 0:
            raise errors.SubscriptionDoesNotExist(subscription_id)
        if result < 0:
            raise errors.SubscriptionAlreadyExists(
                f'{subscriber} is already subscribed to queue {queue}')

    def confirm(self, queue: str, subscription_id: str, confirmed: bool, *,
                project: str, scope: str = base.QUEUE) -> None:
        args = (records.now(), subscription_id, '1' if confirmed else '0')
        if not self._call('sub_confirm', queue, project, scope, args):
            raise errors.SubscriptionDoesNotExist(subscription_id)

    def delete(self, queue: str, subscription_id: str, *,
               project: str, scope: str = base.QUEUE) -> None:
        skeys = (*self._keys.subscription_keys(project, queue, scope),
                 self._keys.outbox_state(project, queue, scope))
        self._run(lambda w, r: w.script('sub_delete', skeys,
                                        (subscription_id,)))
