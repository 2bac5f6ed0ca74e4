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

"""Pool operations (admin): register, read, list, change, remove.

A pool is a data store (its URI picks the driver) that queues can be
placed on. Registering or re-pointing a pool first connects to it: an
unknown scheme or an unreachable store is refused. Every change drops the
catalog's cached pool list in this process (other processes see it within
``[pooling:catalog] cache_ttl``).
"""

from __future__ import annotations

import logging
import re
from typing import Any

import jsonschema

from zaqar.api import pool_uris
from zaqar.api.payload import Payload
from zaqar.common import errors
from zaqar.schemas import pools as schemas
from zaqar.storage import control, loader

LOG = logging.getLogger(__name__)

# Pool and flavor names: one URL segment, a management-store key.
NAME = re.compile(r'^[a-zA-Z0-9_\-]+$')
NAME_MAX = 64


def router(svc):
    """The pooling router, or 404 when pooling is off."""
    storage = svc.storage
    if getattr(storage, 'catalog', None) is None:
        raise errors.RouteNotFound()
    return storage


def check_name(name: str, kind: str) -> None:
    if len(name) > NAME_MAX or not NAME.match(name):
        raise errors.AdminName(kind=kind, maximum=NAME_MAX)


def document(payload: Payload, schema: dict) -> dict:
    """The body as a JSON object valid against ``schema`` (400 if not)."""
    doc = payload.parse()
    if not isinstance(doc, dict):
        raise errors.DocumentType()
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(schema).iter_errors(doc))
    if error is not None:
        raise errors.InvalidBody(error.message)
    return doc


def probe(uri: str, options: dict) -> None:
    """Connect to a would-be pool; 400 ``cannot connect to <uri>`` if the
    URI names no known driver or the store does not answer."""
    driver = None
    try:
        driver = loader.load_data_driver(loader.driver_name_for_uri(uri),
                                         uri, options)
        alive = driver.is_alive()
    except Exception as exc:  # noqa: BLE001 - any failure is "cannot"
        LOG.info('Pool URI refused: %s', exc)
        alive = False
    finally:
        if driver is not None:
            try:
                driver.close()
            except Exception:
                LOG.debug('Closing a probe driver failed', exc_info=True)
    if not alive:
        raise errors.PoolUnreachable(uri=uri)


def _flavor(value: Any) -> str | None:
    """``flavor`` as stored: "" and null both mean none."""
    return value or None


def pool_create(svc, ctx, pool_name: str, payload: Payload) -> bool:
    """Register or replace a pool; True if it is new."""
    store = router(svc)
    check_name(pool_name, 'pool')
    doc = document(payload, schemas.CREATE)
    options = doc.get('options') or {}
    pool_uris.check(svc.conf, doc['uri'])
    probe(doc['uri'], options)
    created = store.store.pools_controller.put(control.Pool(
        pool_name, doc['uri'], doc['weight'], _flavor(doc.get('flavor')),
        options))
    store.catalog.invalidate()
    return created


def pool_get(svc, ctx, pool_name: str) -> control.Pool:
    store = router(svc)
    return store.store.pools_controller.get(pool_name)


def pool_list(svc, ctx, marker: str | None = None,
              limit: int = 10) -> list[control.Pool]:
    store = router(svc)
    return store.store.pools_controller.list(marker=marker, limit=limit)


def pool_update(svc, ctx, pool_name: str, payload: Payload) -> control.Pool:
    """Change some of ``uri``, ``weight``, ``flavor``, ``options``."""
    store = router(svc)
    doc = payload.parse()
    if not isinstance(doc, dict) or not doc.keys() & {
            'uri', 'weight', 'flavor', 'options'}:
        raise errors.PoolUpdateEmpty()
    doc = document(payload, schemas.UPDATE)
    pools = store.store.pools_controller
    current = pools.get(pool_name)
    if 'uri' in doc:
        pool_uris.check(svc.conf, doc['uri'])
        probe(doc['uri'], doc.get('options', current.options))
    pool = pools.update(
        pool_name, uri=doc.get('uri'), weight=doc.get('weight'),
        flavor=(_flavor(doc['flavor']) if 'flavor' in doc
                else control.UNCHANGED),
        options=doc.get('options'))
    store.catalog.invalidate()
    return pool


def pool_delete(svc, ctx, pool_name: str) -> None:
    """Remove a pool (idempotent); refused while it holds queues (409) or
    is the last pool of a flavor (403)."""
    store = router(svc)
    store.store.pools_controller.delete(pool_name)
    store.catalog.invalidate()
