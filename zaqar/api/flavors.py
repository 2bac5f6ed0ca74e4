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

"""Flavor operations: create, read, list (members and readers), change, delete.

A flavor names a group of pools (``pool_list``); a queue created with
``_flavor`` is placed on one of them. Flavors are global, like the pools
they group. Their ``capabilities`` are computed from the pools' drivers:
what every pool of the flavor offers (the intersection).
"""

from __future__ import annotations

from zaqar.api import pools as pool_ops
from zaqar.api.payload import Payload
from zaqar.common import errors
from zaqar.schemas import flavors as schemas
from zaqar.storage import base, control, loader


def capabilities(svc, flavor: control.Flavor) -> list[str]:
    """What every pool of the flavor offers, in the canonical order."""
    pools = pool_ops.router(svc).catalog.pools()
    offered: set[str] | None = None
    for name in flavor.pool_list:
        pool = pools.get(name)
        caps = set(_driver_capabilities(pool.uri)) if pool else set()
        offered = caps if offered is None else offered & caps
    return [c for c in base.CAPABILITIES if c in (offered or set())]


def _driver_capabilities(uri: str) -> tuple[str, ...]:
    try:
        return loader.data_driver_class(
            loader.driver_name_for_uri(uri)).capabilities
    except loader.UnknownDriver:
        return ()


def _put(svc, flavor_name: str, doc: dict, verb: str) -> None:
    store = pool_ops.router(svc)
    # A pool that is not registered: a 400 (zaqar.api.failures).
    store.store.flavors_controller.put(flavor_name, doc['pool_list'],
                                       doc.get('capabilities'))
    store.catalog.invalidate()


def flavor_create(svc, ctx, flavor_name: str, payload: Payload) -> bool:
    """Create or replace a flavor; its pools are exactly ``pool_list``."""
    pool_ops.router(svc)
    pool_ops.check_name(flavor_name, 'flavor')
    doc = pool_ops.document(payload, schemas.CREATE)
    _put(svc, flavor_name, doc, 'create')
    return True


def view(svc, flavor: control.Flavor) -> dict:
    """A flavor as the API shows it (without its href)."""
    return {'name': flavor.name, 'capabilities': capabilities(svc, flavor),
            'pool_list': list(flavor.pool_list)}


def _stored(svc, flavor_name: str) -> control.Flavor:
    return pool_ops.router(svc).store.flavors_controller.get(flavor_name)


def flavor_get(svc, ctx, flavor_name: str) -> dict:
    return view(svc, _stored(svc, flavor_name))


def flavor_list(svc, ctx, marker: str | None = None,
                limit: int = 10) -> list[dict]:
    store = pool_ops.router(svc)
    return [view(svc, f) for f in store.store.flavors_controller.list(
        marker=marker, limit=limit)]


def flavor_update(svc, ctx, flavor_name: str, payload: Payload) -> dict:
    """Replace the pool list (pools left out lose the flavor)."""
    pool_ops.router(svc)
    doc = payload.parse()
    if not isinstance(doc, dict) or 'pool_list' not in doc:
        raise errors.FlavorPoolListMissing()
    doc = pool_ops.document(payload, schemas.UPDATE)
    current = _stored(svc, flavor_name)
    if 'capabilities' not in doc:
        doc = {**doc, 'capabilities': current.capabilities}
    _put(svc, flavor_name, doc, 'update')
    return view(svc, _stored(svc, flavor_name))


def flavor_delete(svc, ctx, flavor_name: str) -> None:
    """Delete (idempotent); its pools keep their queues, lose the flavor."""
    store = pool_ops.router(svc)
    store.store.flavors_controller.delete(flavor_name)
    store.catalog.invalidate()
