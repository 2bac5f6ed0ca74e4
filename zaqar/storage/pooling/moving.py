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

"""How the router serves a queue while ``mover`` moves it between pools.

During a move the queue lives in two pools: the *source* holds its oldest
messages (being drained from the tail) and the *destination* everything
else, new posts included. Read as "source, then destination", the two
form the queue in FIFO order at every instant (see ``mover``). Calls that
forward to the destination as usual (metadata, subscriptions,
deliveries) have no entry here; the others:

* a post whose messages carry ``dedup_id`` first copies the source's
  records of those ids to the destination (the mover copies the rest), so
  that a retry of a post the source took answers with the original;

* reads look in the source first, then the destination; a page of
  messages that continues in the destination carries a marker prefixed
  with ``to:`` (stripped again once the move is over, so a client's
  marker stays good);
* claims are taken from the source while it has claimable messages, then
  from the destination; renewing or releasing a claim acts on both pools;
* deleting a message the source still holds deletes it there (with the
  source's claim checks) and its copy in the destination, if any; copies
  that the mover has written but not yet committed are delayed ("held"),
  so nobody can claim, pop or (by default) list them twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from zaqar.storage import base, errors, models

# Marker prefix of a page that continues in the destination.
DEST_MARKER = 'to:'

Handler = Callable[[base.DataDriver, base.DataDriver, dict], Any]


def _call(driver: base.DataDriver, attr: str, name: str, args: dict) -> Any:
    return getattr(getattr(driver, attr), name)(**args)


def _exists(src, dst, a):
    return (dst.queue_controller.exists(**a)
            or src.queue_controller.exists(**a))


def _stats(src, dst, a):
    old = src.queue_controller.stats(**a)
    new = dst.queue_controller.stats(**a)
    return models.QueueStats(
        claimed=old.claimed + new.claimed, free=old.free + new.free,
        oldest=old.oldest or new.oldest, newest=new.newest or old.newest)


def _list(src, dst, a):
    marker = a.get('marker')
    found: list[models.Message] = []
    if marker is None or not marker.startswith(DEST_MARKER):
        found, src_marker = src.message_controller.list(**a)
        if len(found) >= a['limit']:
            return found, src_marker
        rest = dict(a, marker=None, limit=a['limit'] - len(found))
    else:
        rest = dict(a, marker=marker[len(DEST_MARKER):])
    more, dst_marker = dst.message_controller.list(**rest)
    if more:
        seen = {m.id for m in found}
        found += [m for m in more if m.id not in seen]
        return found, DEST_MARKER + dst_marker
    return (found, src_marker) if found else ([], None)


def _post(src, dst, a):
    keys = {m['dedup_id'] for m in a['messages']
            if m.get('dedup_id') is not None and m.get('dedup_window')}
    if keys:
        queue, project = a['queue'], a['project']
        remembered = src.transfer_controller.export_dedup(
            queue, project=project, dedup_ids=sorted(keys))
        if remembered:
            dst.transfer_controller.import_dedup(queue, remembered,
                                                 project=project)
    return dst.message_controller.post(**a)


def _get(src, dst, a):
    try:
        return src.message_controller.get(**a)
    except errors.MessageDoesNotExist:
        return dst.message_controller.get(**a)


def _bulk_get(src, dst, a):
    ids = list(a['message_ids'])
    a = dict(a, message_ids=ids)
    found = src.message_controller.bulk_get(**a)
    seen = {m.id for m in found}
    return found + [m for m in dst.message_controller.bulk_get(**a)
                    if m.id not in seen]


def _delete(src, dst, a):
    queue, project = a['queue'], a['project']
    try:
        src.message_controller.get(queue, a['message_id'], project=project)
    except errors.MessageDoesNotExist:
        return dst.message_controller.delete(**a)
    # The source decides (claim checks); a copy the mover wrote goes too.
    src.message_controller.delete(**a)
    dst.message_controller.bulk_delete(queue, [a['message_id']],
                                       project=project)


def _bulk_delete(src, dst, a):
    a = dict(a, message_ids=list(a['message_ids']))
    if a.get('claim_ids') is not None:
        a['claim_ids'] = list(a['claim_ids'])
    src.message_controller.bulk_delete(**a)
    dst.message_controller.bulk_delete(**a)


def _pop(src, dst, a):
    popped = src.message_controller.pop(**a)
    if len(popped) < a['limit']:
        popped += dst.message_controller.pop(
            **dict(a, limit=a['limit'] - len(popped)))
    return popped


def _claim_create(src, dst, a):
    claim_id, claimed = src.claim_controller.create(**a)
    if claim_id is not None:
        return claim_id, claimed
    return dst.claim_controller.create(**a)


def _claim_get(src, dst, a):
    found = []
    for driver in (src, dst):
        try:
            found.append(driver.claim_controller.get(**a))
        except errors.ClaimDoesNotExist:
            pass
    if not found:
        raise errors.ClaimDoesNotExist(a['claim_id'], a['queue'],
                                       a['project'])
    messages: dict[str, models.Message] = {}
    for claim in found:
        for message in claim.messages:
            messages.setdefault(message.id, message)
    latest = found[-1]
    return models.Claim(id=latest.id, ttl=latest.ttl, age=latest.age,
                        messages=tuple(messages.values()))


def _claim_update(src, dst, a):
    renewed = False
    for driver in (src, dst):
        try:
            driver.claim_controller.update(**a)
            renewed = True
        except errors.ClaimDoesNotExist:
            pass
    if not renewed:
        raise errors.ClaimDoesNotExist(a['claim_id'], a['queue'],
                                       a['project'])


def _claim_delete(src, dst, a):
    src.claim_controller.delete(**a)
    dst.claim_controller.delete(**a)


def _unsubscribe(src, dst, a):
    """Delete on the destination and the source's copy of the same
    subscriber (ids differ between the two), so that the mover's second
    copy of the subscriptions cannot bring it back."""
    queue, project, kind = a['queue'], a['project'], a['scope']
    try:
        sub = dst.subscription_controller.get(queue, a['subscription_id'],
                                              project=project, scope=kind)
    except errors.SubscriptionDoesNotExist:
        sub = None
    dst.subscription_controller.delete(**a)
    if sub is not None:
        old = src.subscription_controller.get_with_subscriber(
            queue, sub.subscriber, project=project, scope=kind)
        if old is not None:
            src.subscription_controller.delete(queue, old.id,
                                               project=project, scope=kind)


def _pending(src, dst, a):
    return (src.delivery_controller.pending(**a)
            + dst.delivery_controller.pending(**a))


# (controller attribute, method) -> handler, used while a move is on.
HANDLERS: dict[tuple[str, str], Handler] = {
    ('queue_controller', 'exists'): _exists,
    ('queue_controller', 'stats'): _stats,
    ('message_controller', 'post'): _post,
    ('message_controller', 'list'): _list,
    ('message_controller', 'get'): _get,
    ('message_controller', 'bulk_get'): _bulk_get,
    ('message_controller', 'delete'): _delete,
    ('message_controller', 'bulk_delete'): _bulk_delete,
    ('message_controller', 'pop'): _pop,
    ('claim_controller', 'create'): _claim_create,
    ('claim_controller', 'get'): _claim_get,
    ('claim_controller', 'update'): _claim_update,
    ('claim_controller', 'delete'): _claim_delete,
    ('subscription_controller', 'delete'): _unsubscribe,
    ('delivery_controller', 'pending'): _pending,
}


# Calls whose arguments steady_arguments may change.
STEADY = frozenset({('message_controller', 'list')})


def steady_arguments(attr: str, name: str, args: dict) -> dict:
    """Arguments for a queue not (or no longer) moving: a list marker
    handed out during a move names a destination position."""
    if (attr, name) == ('message_controller', 'list'):
        marker = args.get('marker')
        if isinstance(marker, str) and marker.startswith(DEST_MARKER):
            return dict(args, marker=marker[len(DEST_MARKER):])
    return args
