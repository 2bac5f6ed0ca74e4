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

"""``zaqar-manage pool load FILE``, ``pool list`` and ``pool move-queue``.

``pool move-queue --project P --queue Q --to POOL`` moves a queue to
another pool while it is in use (``zaqar.storage.pooling.mover``); run it
again to resume an interrupted move.

The file (YAML or JSON) bootstraps a pooled deployment before the API
serves, in the management store of ``[drivers] management_store``::

    pools:
      redis-1: {uri: "redis://10.0.0.5:6379", weight: 100}
      sql-1: {uri: "postgresql://zaqar@db/zaqar", weight: 50,
              flavor: durable, options: {}}
    flavors:
      durable: {pool_list: [sql-1]}

Every pool is checked as the API checks it (known driver, reachable;
``--no-check`` skips that) before anything is written; pools are then
registered (replacing same-named ones) and flavors created, so a flavor may
list pools of the same file.
"""

from __future__ import annotations

import sys
from typing import Any

import jsonschema
import yaml

from zaqar.schemas import flavors as flavor_schemas
from zaqar.schemas import pools as pool_schemas
from zaqar.storage import control

OK = 0
FAILED = 1

_FILE_SCHEMA = {
    'type': 'object',
    'properties': {
        'pools': {'type': 'object',
                  'additionalProperties': pool_schemas.CREATE},
        'flavors': {'type': 'object',
                    'additionalProperties': flavor_schemas.CREATE},
    },
    'additionalProperties': False,
}


def add_commands(subparsers) -> None:
    """The ``pool`` command group of zaqar-manage."""
    pool = subparsers.add_parser(
        'pool', help='Pools and flavors of the management store.')
    actions = pool.add_subparsers(title='pool commands', dest='pool_action')
    actions.required = True
    load = actions.add_parser(
        'load', help='Register the pools and flavors of a YAML/JSON file.')
    load.add_argument('file', help='The file to load.')
    load.add_argument('--no-check', action='store_true',
                      help='Do not connect to the pools first.')
    load.set_defaults(pool_fn=load_file)
    listing = actions.add_parser('list', help='Print the registered pools.')
    listing.set_defaults(pool_fn=list_pools)
    move = actions.add_parser(
        'move-queue', help='Move a queue to another pool, online.')
    move.add_argument('--project', required=True,
                      help='The project owning the queue.')
    move.add_argument('--queue', required=True, help='The queue to move.')
    move.add_argument('--to', required=True, dest='target',
                      help='The pool to move it to.')
    move.add_argument('--batch', type=int, default=100,
                      help='Messages per copy step (default 100).')
    move.add_argument('--settle', type=float, default=None,
                      help='Seconds for every API process to see a routing '
                           'change (default: [pooling:catalog] cache_ttl '
                           'plus one).')
    move.set_defaults(pool_fn=move_queue)


def read(path: str) -> dict[str, Any]:
    """The file's document, checked. Raises ValueError."""
    with open(path, encoding='utf-8') as f:
        try:
            doc = yaml.safe_load(f) or {}
        except yaml.YAMLError as exc:
            raise ValueError(f'{path} is not YAML/JSON: {exc}') from None
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(_FILE_SCHEMA).iter_errors(doc))
    if error is not None:
        where = '/'.join(str(p) for p in error.absolute_path)
        raise ValueError(f'{path}: {where or "document"}: {error.message}')
    return doc


def load_file(store: control.ControlDriver, args) -> int:
    from zaqar.api import pools as pool_ops
    from zaqar.common import errors
    try:
        doc = read(args.file)
    except (OSError, ValueError) as exc:
        print(f'zaqar-manage: {exc}', file=sys.stderr)
        return FAILED
    pools = doc.get('pools') or {}
    for name, spec in pools.items():
        try:
            pool_ops.check_name(name, 'pool')
            if not args.no_check:
                pool_ops.probe(spec['uri'], spec.get('options') or {})
        except errors.APIError as exc:
            print(f'zaqar-manage: pool {name}: {exc.description}',
                  file=sys.stderr)
            return FAILED
    try:
        for name, spec in pools.items():
            created = store.pools_controller.put(control.Pool(
                name, spec['uri'], spec['weight'], spec.get('flavor') or None,
                spec.get('options') or {}))
            print(f'Pool {name} {"registered" if created else "replaced"}.')
        for name, spec in (doc.get('flavors') or {}).items():
            created = store.flavors_controller.put(
                name, spec['pool_list'], spec.get('capabilities'))
            print(f'Flavor {name} {"created" if created else "replaced"}.')
    except control.PoolAlreadyExists as exc:
        print(f'zaqar-manage: {exc}', file=sys.stderr)
        return FAILED
    except control.PoolDoesNotExist as exc:
        print(f'zaqar-manage: a flavor lists an unknown pool: {exc}',
              file=sys.stderr)
        return FAILED
    return OK


def list_pools(store: control.ControlDriver, args) -> int:
    for pool in store.pools_controller.list(limit=None):
        print(f'{pool.name}\t{pool.weight}\t{pool.flavor or "-"}\t'
              f'{store.catalogue_controller.count(pool.name)} queues')
    return OK


def move_queue(store: control.ControlDriver, args, *,
               cache_ttl: float = 5.0) -> int:
    """Run the online move of one queue; progress on stdout."""
    from zaqar.storage.pooling import mover as mover_mod
    from zaqar.storage.pooling import router as router_mod
    # The mover reads the catalogue fresh every time: no cache of its own.
    router = router_mod.DataDriver(store.uri, {'cache_ttl': 0},
                                   store=store)
    settle = args.settle if args.settle is not None else cache_ttl + 1.0
    mover = mover_mod.Mover(router, settle=settle, batch=max(1, args.batch),
                            say=lambda line: print(line, flush=True))
    try:
        report = mover.move(args.project, args.queue, args.target)
    except mover_mod.MoveRefused as exc:
        print(f'zaqar-manage: {exc}', file=sys.stderr)
        return FAILED
    finally:
        router.catalog.close()
    if report.already_there:
        print(f'Queue {args.queue} is on pool {args.target} already.')
    return OK


def run(conf) -> int:
    """Run the parsed ``pool`` command on the configured store."""
    from zaqar import bootstrap
    from zaqar.storage import errors
    try:
        store = bootstrap.management_store_from_conf(conf)
    except bootstrap.ConfigError as exc:
        print(f'zaqar-manage: {exc}', file=sys.stderr)
        return FAILED
    try:
        if conf.command.pool_fn is move_queue:
            return move_queue(store, conf.command,
                              cache_ttl=conf['pooling:catalog'].cache_ttl)
        return conf.command.pool_fn(store, conf.command)
    except errors.StorageError as exc:
        print(f'zaqar-manage: the management store failed: {exc}',
              file=sys.stderr)
        return FAILED
    finally:
        store.close()
