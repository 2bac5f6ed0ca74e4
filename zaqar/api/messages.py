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

"""Message operations: post, list, get (one or many), delete, pop."""

from __future__ import annotations

import dataclasses
import hashlib
import json

from zaqar.api import metadata as metadata_ops
from zaqar.api import queues as queue_ops
from zaqar.api import validation, waiting
from zaqar.api.payload import Payload
from zaqar.common import errors
from zaqar.schemas import messages as schema_messages
from zaqar.storage import models
from zaqar.storage import scope as scopes
from zaqar.tracing import hooks as tracing_hooks


def _size_limit(svc, metadata: dict) -> tuple[int, errors.APIError]:
    configured = svc.limits.max_messages_post_size
    per_queue = metadata.get('_max_messages_post_size')
    if validation.is_int(per_queue) and 0 < per_queue < configured:
        return per_queue, errors.QueueMessagesTooLarge(
            per_queue=per_queue, configured=configured)
    return configured, errors.MessagesTooLarge(maximum=configured)


def _messages_document(svc, payload: Payload) -> list:
    if not payload.present:
        raise errors.BodyEmpty()
    return validation.check(schema_messages.post(svc.limits),
                            payload.parse())['messages']


def body_checksum(body) -> str:
    """The ``checksum`` of a plain body (before any sealing)."""
    return 'MD5:' + hashlib.md5(json.dumps(body, sort_keys=True).encode(),
                                usedforsecurity=False).hexdigest()


def _prepare(svc, metadata: dict, messages: list) -> list[dict]:
    """Validate each message and apply the queue's defaults."""
    limits = svc.limits
    default_ttl = metadata.get('_default_message_ttl') or \
        limits.default_message_ttl
    default_delay = metadata.get('_default_message_delay') or 0
    seal = None
    if metadata.get('_enable_encrypt_messages'):
        if svc.cipher is None:
            raise errors.EncryptionKeyMissing()
        seal = svc.cipher.seal
    window = None
    prepared = []
    for message in messages:
        ttl = message.get('ttl', default_ttl)
        # Per-message delay only counts on queues with a default delay.
        delay = message.get('delay', default_delay) if default_delay else 0
        body = message['body']
        item = {'body': seal(body) if seal else body, 'ttl': ttl,
                'delay': delay}
        if svc.enable_checksum:
            item['checksum'] = body_checksum(body)
        dedup_id = message.get('dedup_id')
        if dedup_id is not None:
            if window is None:
                window = metadata_ops.dedup_window(metadata)
            item['dedup_id'] = dedup_id
            item['dedup_window'] = window
        group = message.get('group')
        if group is not None:
            item['group'] = group
        prepared.append(item)
    return prepared


def prepare_post(svc, ctx, queue_name: str,
                 payload: Payload) -> tuple[dict, list[dict]]:
    """Check a post against the target's rules; (its metadata, messages).

    The one validation path of every post (queues and topics): size limit,
    document shape, ttl/delay rules, defaults, encryption and checksums.
    """
    metadata = svc.metadata_cache.get(
        ctx.project_id, queue_name,
        lambda: queue_ops.stored_metadata(svc, ctx, queue_name),
        scope=scopes.of(ctx))
    limit, too_large = _size_limit(svc, metadata)
    if payload.size is not None and payload.size > limit:
        raise too_large
    return metadata, _prepare(svc, metadata,
                              _messages_document(svc, payload))


def message_post(svc, ctx, queue_name: str, payload: Payload) -> list[str]:
    """Store a batch; the queue is created if missing. Returns the ids."""
    _, prepared = prepare_post(svc, ctx, queue_name, payload)
    traced = traced_post()
    return svc.messages.post(queue_name, prepared, project=ctx.project_id,
                             client_uuid=ctx.client_id, **traced)


def traced_post() -> dict:
    """``traceparent=`` for a post's notifications when tracing is on
    ({} when off, so the storage call is the one it always was)."""
    parent = tracing_hooks.current_traceparent()
    return {'traceparent': parent} if parent else {}


def _opened(svc, message: models.Message) -> models.Message:
    """Decrypt a sealed body when this server holds the key."""
    if svc.cipher is None or not isinstance(message.body, dict):
        return message
    body = svc.cipher.open(message.body)
    if body is message.body:
        return message
    return dataclasses.replace(message, body=body)


def opened_all(svc, messages):
    return [_opened(svc, m) for m in messages]


def message_list(svc, ctx, queue_name: str, marker: str | None = None,
                 limit: int = 10, echo: bool = False,
                 include_claimed: bool = False,
                 include_delayed: bool = False, wait: int | None = None
                 ) -> tuple[list[models.Message], str | None]:
    """A page of messages; with ``wait``, up to that many seconds for one
    to arrive when there is none (zaqar.api.waiting)."""
    messages, next_marker = waiting.until_found(
        svc, ctx, queue_name, wait, lambda: svc.messages.list(
            queue_name, project=ctx.project_id, marker=marker, limit=limit,
            echo=echo, client_uuid=ctx.client_id,
            include_claimed=include_claimed,
            include_delayed=include_delayed),
        lambda page: bool(page[0]))
    return opened_all(svc, messages), next_marker


def message_get_many(svc, ctx, queue_name: str,
                     ids: list[str]) -> list[models.Message]:
    """Messages by id; 404 only when none of them exists."""
    found = svc.messages.bulk_get(queue_name, ids, project=ctx.project_id)
    if not found:
        raise errors.MessagesNotFound(ids=ids, queue=queue_name,
                                      project=ctx.project_id)
    return opened_all(svc, found)


def message_get(svc, ctx, queue_name: str,
                message_id: str) -> models.Message:
    return _opened(svc, svc.messages.get(queue_name, message_id,
                                         project=ctx.project_id))


def message_delete(svc, ctx, queue_name: str, message_id: str,
                   claim_id: str | None = None) -> None:
    """Delete one message, honouring claims (403 or 400, as clients expect:
    zaqar.api.failures maps a missing claim here to a 400)."""
    svc.messages.delete(queue_name, message_id, project=ctx.project_id,
                        claim_id=claim_id)


def message_delete_many(svc, ctx, queue_name: str,
                        ids: list[str] | None = None,
                        claim_ids: list[str] | None = None,
                        pop: int | None = None) -> list[models.Message] | None:
    """Delete by ids (returns None) or pop (returns the popped messages)."""
    if ids is None and pop is None:
        raise errors.DeleteNeedsIdsOrPop()
    if ids is not None and pop is not None:
        raise errors.DeleteIdsAndPop()
    if pop is not None:
        popped = svc.messages.pop(queue_name, pop, project=ctx.project_id)
        return opened_all(svc, popped)
    if svc.limits.message_delete_with_claim_id and not claim_ids:
        raise errors.DeleteNeedsClaimIds()
    svc.messages.bulk_delete(queue_name, ids, project=ctx.project_id,
                             claim_ids=claim_ids or None)
    return None
