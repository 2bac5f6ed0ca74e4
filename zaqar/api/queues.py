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

"""Queue operations: create, get, patch, delete, list, stats, purge."""

from __future__ import annotations

from zaqar.api import metadata as meta
from zaqar.api import validation
from zaqar.api.payload import Payload
from zaqar.common import errors
from zaqar.schemas import queues as schema_queues
from zaqar.storage import errors as storage_errors
from zaqar.storage import models
from zaqar.storage import scope as scopes

PURGE_TYPES = tuple(
    schema_queues.PURGE['properties']['resource_types']['items']['enum'])
# Page size used when purging messages or subscriptions.
_PURGE_BATCH = 100


def queue_create(svc, ctx, queue_name: str, payload: Payload) -> bool:
    """Create a queue (True) or leave an existing one untouched (False)."""
    limit = svc.limits.max_queue_metadata
    if payload.size is not None and payload.size > limit:
        raise errors.QueueMetadataTooLarge(maximum=limit)
    metadata = payload.parse_optional(default={})
    meta.validate(metadata, svc.limits,
                  encryption_ready=svc.cipher is not None)
    kind = scopes.of(ctx)
    created = svc.queues.create(queue_name, project=ctx.project_id,
                                scope=kind, metadata=metadata)
    svc.metadata_cache.forget(ctx.project_id, queue_name, scope=kind)
    return created


def stored_metadata(svc, ctx, queue_name: str) -> dict:
    """The queue's metadata; {} for a queue that does not exist (lazy)."""
    try:
        return svc.queues.get_metadata(queue_name, project=ctx.project_id,
                                       scope=scopes.of(ctx))
    except storage_errors.QueueDoesNotExist:
        return {}


def queue_get(svc, ctx, queue_name: str) -> dict:
    """Metadata with reserved defaults; a missing queue shows defaults."""
    return meta.with_defaults(stored_metadata(svc, ctx, queue_name),
                              svc.limits)


def queue_exists(svc, ctx, queue_name: str) -> bool:
    return svc.queues.exists(queue_name, project=ctx.project_id,
                             scope=scopes.of(ctx))


def queue_patch(svc, ctx, queue_name: str, payload: Payload, *,
                lazy: bool = True) -> dict:
    """Apply a JSON-patch document to the metadata; return the result.

    Queues are lazy, so a queue never created patches as an empty one and
    is created with the result (python-zaqarclient sets metadata of a new
    queue with PATCH alone, never a PUT first). ``lazy=False`` (topics)
    answers 404 instead.
    """
    if payload.size is not None and payload.size > svc.limits.max_queue_metadata:
        raise errors.QueueMetadataTooLarge(
            maximum=svc.limits.max_queue_metadata,
            title=errors.InvalidBody.title)
    if payload.empty:
        raise errors.PatchEmpty()
    operations = meta.parse_patch(payload.parse())
    project, kind = ctx.project_id, scopes.of(ctx)
    try:
        current = svc.queues.get_metadata(queue_name, project=project,
                                          scope=kind)
        exists = True
    except storage_errors.QueueDoesNotExist:
        if not lazy:
            raise
        current, exists = {}, False
    updated = meta.apply_patch(current, operations)
    meta.validate(updated, svc.limits,
                  encryption_ready=svc.cipher is not None,
                  error=errors.InvalidBody)
    # Created by someone else in between: the patch still lands on it.
    if exists or not svc.queues.create(queue_name, project=project,
                                       scope=kind, metadata=updated):
        svc.queues.set_metadata(queue_name, updated, project=project,
                                scope=kind)
    svc.metadata_cache.forget(ctx.project_id, queue_name, scope=kind)
    return meta.with_defaults(updated, svc.limits)


def queue_delete(svc, ctx, queue_name: str) -> None:
    kind = scopes.of(ctx)
    svc.queues.delete(queue_name, project=ctx.project_id, scope=kind)
    svc.metadata_cache.forget(ctx.project_id, queue_name, scope=kind)


def queue_list(svc, ctx, marker: str | None = None, limit: int = 10,
               detailed: bool = False, name: str | None = None,
               with_count: bool = False
               ) -> tuple[list[models.Queue], str | None, int | None]:
    """A page of queues, the next marker, and the total when asked for."""
    kind = scopes.of(ctx)
    queues, next_marker = svc.queues.list(
        project=ctx.project_id, scope=kind, marker=marker, limit=limit,
        detailed=detailed, name=name or None)
    if detailed:
        queues = [models.Queue(q.name, meta.with_defaults(q.metadata or {},
                                                          svc.limits))
                  for q in queues]
    count = None
    if with_count:
        count = svc.queues.count(project=ctx.project_id, scope=kind,
                                 name=name or None)
    return queues, next_marker, count


def queue_stats(svc, ctx, queue_name: str) -> models.QueueStats:
    return svc.queues.stats(queue_name, project=ctx.project_id)


def queue_purge(svc, ctx, queue_name: str, payload: Payload) -> None:
    """Remove every message and/or subscription, keeping the metadata."""
    document = validation.check(schema_queues.PURGE,
                                payload.parse_optional(default=None))
    types = PURGE_TYPES if document is None else document['resource_types']
    # A topic keeps no messages: only its subscriptions are purged.
    if 'messages' in types and scopes.of(ctx) == scopes.QUEUE:
        _purge_messages(svc, ctx, queue_name)
    if 'subscriptions' in types:
        _purge_subscriptions(svc, ctx, queue_name)


def _purge_messages(svc, ctx, queue_name: str) -> None:
    project = ctx.project_id
    while True:
        page, _ = svc.messages.list(queue_name, project=project,
                                    limit=_PURGE_BATCH, echo=True,
                                    include_claimed=True,
                                    include_delayed=True)
        if not page:
            return
        svc.messages.bulk_delete(queue_name, [m.id for m in page],
                                 project=project)


def _purge_subscriptions(svc, ctx, queue_name: str) -> None:
    project, kind = ctx.project_id, scopes.of(ctx)
    while True:
        page, _ = svc.subscriptions.list(queue_name, project=project,
                                         scope=kind, limit=_PURGE_BATCH)
        if not page:
            return
        for sub in page:
            svc.subscriptions.delete(queue_name, sub.id, project=project,
                                     scope=kind)
