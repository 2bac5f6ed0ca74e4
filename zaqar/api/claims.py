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

"""Claim operations: create, get, renew, release."""

from __future__ import annotations

from zaqar.api import messages as message_ops
from zaqar.api import validation, waiting
from zaqar.api.payload import Payload
from zaqar.common import errors
from zaqar.storage import models


def claim_create(svc, ctx, queue_name: str, payload: Payload,
                 limit: int | None = None,
                 wait: int | None = None) -> models.Claimed:
    """Claim up to ``limit`` messages; (None, []) when none is available
    (with ``wait``: none arrived within that many seconds).

    The result also carries how many messages the call dead-lettered
    (for the metrics hook).
    """
    ttl, grace = validation.claim_fields(payload.parse_optional(default={}),
                                         svc.limits)
    if limit is None:
        limit = 10
    validation.claim_limit(limit, svc.limits)
    claimed = waiting.until_found(
        svc, ctx, queue_name, wait, lambda: svc.claims.create(
            queue_name, project=ctx.project_id, ttl=ttl, grace=grace,
            limit=limit),
        lambda result: bool(result[1]))
    claim_id, messages = claimed
    return models.Claimed(claim_id, message_ops.opened_all(svc, messages),
                          getattr(claimed, 'dead_lettered', 0))


def claim_get(svc, ctx, queue_name: str, claim_id: str) -> models.Claim:
    claim = svc.claims.get(queue_name, claim_id, project=ctx.project_id)
    return models.Claim(claim.id, claim.ttl, claim.age, tuple(
        message_ops.opened_all(svc, claim.messages)))


def claim_update(svc, ctx, queue_name: str, claim_id: str,
                 payload: Payload) -> None:
    if payload.present and payload.empty:
        raise errors.InvalidBody('Request body could not be parsed.')
    ttl, grace = validation.claim_fields(payload.parse_optional(default={}),
                                         svc.limits, check_grace=False)
    svc.claims.update(queue_name, claim_id, project=ctx.project_id,
                      ttl=ttl, grace=grace)


def claim_delete(svc, ctx, queue_name: str, claim_id: str) -> None:
    svc.claims.delete(queue_name, claim_id, project=ctx.project_id)
