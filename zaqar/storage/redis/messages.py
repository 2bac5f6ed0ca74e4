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

"""Messages: one post, claim-aware delete, pop and listing per script call.

Ids are UUID4 strings made here (zaqar.common.ids), so a retried post
carries the same ids and its token (the first id) tells the script whether
it already ran. A post is a single round trip: one EVALSHA of
``message_post``, which also creates a missing queue and enqueues the
notifications of queues with live subscriptions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from zaqar.common import ids as id_maker
from zaqar.storage import base, errors, models
from zaqar.storage.redis import keys, records

if TYPE_CHECKING:
    from zaqar.storage.redis.driver import DataDriver

# How long (ms) a post or pop remembers its token; far longer than any
# retry loop (resilience.Executor gives up within seconds).
TOKEN_TTL_MS = 10_000

# message_delete.lua result codes.
_DELETED_OR_MISSING = (0, 1)
_CLAIM_MISSING, _NOT_CLAIMED, _NOT_CLAIMED_BY, _IS_CLAIMED = 2, 3, 4, 5


def _marker_seq(marker: str | None) -> str:
    """The seq a marker designates ('' = none); malformed ones are ignored."""
    if marker is None:
        return ''
    try:
        return str(int(str(marker), 10))
    except ValueError:
        return ''


def _unique(ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(ids))


class MessageController(base.MessageController):
    """Messages of a queue in the hashes/sorted sets of scripts/lib.lua."""

    def __init__(self, driver: DataDriver):
        self._driver = driver
        self._keys = driver.keys
        self._run = driver.executor.call

    def post(self, queue: str, messages: Sequence[dict], *, project: str,
             client_uuid: str, traceparent: str | None = None) -> list[str]:
        if not messages:
            return []
        ids = [id_maker.uuid4() for _ in messages]
        qkeys = (*self._keys.queue_keys(project, queue),
                 keys.token_key(project, queue, ids[0]),
                 *self._keys.outbox_keys(project, queue))
        at = records.now()
        args: list = [at, queue, client_uuid, '0', TOKEN_TTL_MS,
                      len(messages), project, keys.escape(project)]
        for message_id, item in zip(ids, messages, strict=True):
            args += (message_id, records.encode_body(item.get('body')),
                     int(item['ttl']), int(item.get('delay') or 0),
                     item.get('checksum') or '', item.get('dedup_id') or '',
                     int(item.get('dedup_window') or 0),
                     item.get('group') or '')
        if traceparent:
            args.append(traceparent)

        def op(wire, retrying):
            args[3] = '1' if retrying else '0'
            return wire.script('message_post', qkeys, args)

        reply = self._run(op)
        if reply[1]:
            self._driver.delivery_controller.announce(project)
        if len(reply) > 2:
            # The batch had dedup_ids: the script says who answers for each.
            return [records.text(i) for i in reply[2:]]
        return ids

    def list(self, queue: str, *, project: str, marker: str | None = None,
             limit: int = 10, echo: bool = False,
             client_uuid: str | None = None,
             include_claimed: bool = False, include_delayed: bool = False
             ) -> tuple[list[models.Message], str | None]:
        at = records.now()
        qkeys = self._keys.queue_keys(project, queue)
        args = (at, _marker_seq(marker), limit, '1' if echo else '0',
                client_uuid or '', '1' if include_claimed else '0',
                '1' if include_delayed else '0')
        flat = self._run(lambda w, r: w.script('message_list', qkeys, args))
        found = records.messages(flat, at, start=1)
        return found, (records.text(flat[0]) if found else None)

    def _fetch(self, queue: str, project: str,
               message_ids: list[str]) -> list[models.Message]:
        """Live messages among ``message_ids``: two HMGETs, one round trip."""
        if not message_ids:
            return []
        qkeys = self._keys.queue_keys(project, queue)

        commands = (('HMGET', qkeys[1], *message_ids),
                    ('HMGET', qkeys[2], *message_ids))
        infos, bodies = self._run(lambda w, r: w.batch(commands))
        at = records.now()
        found = zip(message_ids, infos, bodies, strict=True)
        return [records.message(i, info, body, at)
                for i, info, body in found
                if info is not None and records.is_live(info, at)]

    def get(self, queue: str, message_id: str, *,
            project: str) -> models.Message:
        found = self._fetch(queue, project, [str(message_id)])
        if not found:
            raise errors.MessageDoesNotExist(message_id, queue, project)
        return found[0]

    def bulk_get(self, queue: str, message_ids: Iterable[str], *,
                 project: str) -> list[models.Message]:
        return self._fetch(queue, project,
                           _unique(str(i) for i in message_ids))

    def delete(self, queue: str, message_id: str, *, project: str,
               claim_id: str | None = None) -> None:
        qkeys = self._keys.queue_keys(project, queue)
        args = (records.now(), message_id, claim_id or '')
        code = self._run(
            lambda w, r: w.script('message_delete', qkeys, args))
        if code in _DELETED_OR_MISSING:
            return
        if code == _CLAIM_MISSING:
            raise errors.ClaimDoesNotExist(claim_id, queue, project)
        if code == _NOT_CLAIMED:
            raise errors.MessageNotClaimed(message_id)
        if code == _NOT_CLAIMED_BY:
            raise errors.MessageNotClaimedBy(message_id, claim_id)
        raise errors.MessageIsClaimed(message_id)

    def bulk_delete(self, queue: str, message_ids: Iterable[str], *,
                    project: str,
                    claim_ids: Iterable[str] | None = None) -> None:
        ids = _unique(str(i) for i in message_ids)
        if not ids:
            return
        qkeys = self._keys.queue_keys(project, queue)
        claims = [] if claim_ids is None else [str(c) for c in claim_ids]
        args = (records.now(), '0' if claim_ids is None else '1', len(ids),
                *ids, *claims)
        self._run(lambda w, r: w.script('message_bulk_delete', qkeys, args))

    def pop(self, queue: str, limit: int, *,
            project: str) -> list[models.Message]:
        token = id_maker.uuid4()
        qkeys = (*self._keys.queue_keys(project, queue),
                 keys.token_key(project, queue, token))
        at = records.now()

        def op(wire, retrying):
            return wire.script('message_pop', qkeys,
                               (at, limit, '1' if retrying else '0',
                                TOKEN_TTL_MS))

        return records.messages(self._run(op), at)
