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

"""Liveness (ping) and the admin's detailed storage probe (health)."""

from __future__ import annotations

import logging
import time
import uuid

from zaqar.storage import errors as storage_errors

LOG = logging.getLogger(__name__)

# Messages posted by the detailed probe.
_PROBE_MESSAGES = 100


def ping(svc, ctx) -> bool:
    """Whether the storage answers."""
    return svc.storage.is_alive()


def health(svc, ctx) -> dict:
    """Run every storage operation once on a throw-away queue and time it.

    Stops at the first failing step (its ``ref`` is logged with the error).
    With pooling, ``storage_reachable`` is the management store's, the
    probe goes through the router (placement included), and ``pools``
    holds the same probe run directly on each registered pool.
    """
    result = probe(svc.storage)
    catalog = getattr(svc.storage, 'catalog', None)
    if catalog is not None and result['storage_reachable']:
        result['pools'] = {name: _pool_probe(catalog, name)
                           for name in sorted(catalog.pools(fresh=True))}
    return result


def _pool_probe(catalog, name: str) -> dict:
    try:
        driver = catalog.driver(name)
    except storage_errors.StorageError:
        return {'storage_reachable': False}
    return probe(driver)


def probe(s) -> dict:
    """The health probe of one data driver."""
    try:
        alive = s.is_alive()
    except Exception:  # a probe never raises
        LOG.exception('Health probe: is_alive failed')
        alive = False
    if not alive:
        return {'storage_reachable': False}
    project = 'health-' + uuid.uuid4().hex
    queue = 'probe-' + uuid.uuid4().hex[:16]
    state: dict = {}

    def create_queue():
        s.queue_controller.create(queue, project=project)

    def post_messages():
        state['ids'] = s.message_controller.post(
            queue, [{'body': {'probe': i}, 'ttl': 600, 'delay': 0}
                    for i in range(_PROBE_MESSAGES)],
            project=project, client_uuid=str(uuid.uuid4()))

    def claim_messages():
        state['claim'], state['claimed'] = s.claim_controller.create(
            queue, project=project, ttl=60, grace=300, limit=10)

    def list_messages():
        s.message_controller.list(queue, project=project, limit=10,
                                  echo=True, include_claimed=True)

    def delete_messages():
        for message in state['claimed']:
            s.message_controller.delete(queue, message.id, project=project,
                                        claim_id=state['claim'])

    def delete_claim():
        s.claim_controller.delete(queue, state['claim'], project=project)

    def bulk_delete_messages():
        s.message_controller.bulk_delete(queue, state['ids'][:20],
                                         project=project)

    def delete_queue():
        s.queue_controller.delete(queue, project=project)

    status: dict = {}
    for step in (create_queue, post_messages, claim_messages, list_messages,
                 delete_messages, delete_claim, bulk_delete_messages,
                 delete_queue):
        start = time.monotonic()
        try:
            step()
        except Exception:
            ref = str(uuid.uuid4())
            LOG.exception('Health probe step %s failed (ref %s)',
                          step.__name__, ref)
            status[step.__name__] = {'succeeded': False, 'ref': ref,
                                     'seconds': time.monotonic() - start}
            break
        status[step.__name__] = {'succeeded': True, 'ref': None,
                                 'seconds': time.monotonic() - start}
    if not status.get('delete_queue', {}).get('succeeded'):
        try:
            s.queue_controller.delete(queue, project=project)
        except Exception:
            LOG.warning('Health probe queue %s left behind', queue)
    return {'storage_reachable': True, 'operation_status': status}
