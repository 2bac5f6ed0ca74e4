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

"""Generic forwarding of contract methods to the pool that holds the queue.

Every queue-scoped method of the storage contract takes the queue name as
its first argument and ``project=`` as a keyword, so one forwarder serves
them all: look the queue up in the catalog, then call the same method on
the same controller of that pool's driver. What differs per method is only
what to do with a queue that is on no pool, declared in ``RULES``:

* ``PLACE``: a write that creates the queue (post, subscribe, ...) places
  it first, then forwards;
* otherwise an *answer* for a queue that does not exist, computed from the
  call's arguments: the very result (or exception) the contract gives for
  a missing queue.

A queue being moved between pools is served by the handlers of
``moving`` for the calls that must see both pools; the rest go to the
destination, which the catalog names as the queue's pool.

Methods that span pools (listing, counting, leasing deliveries) or do more
than forward (queue create/delete) are written out in ``router``; a
contract method that is in neither place makes the router class abstract,
so it fails loudly instead of silently not forwarding.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from zaqar.storage import base, errors, models, scope, transfer
from zaqar.storage.pooling import catalog as catalog_mod
from zaqar.storage.pooling import moving

# Marker: the call places an unplaced queue.
PLACE = object()

Answer = Callable[[dict], Any]


def _returns(factory: Callable[[], Any]) -> Answer:
    return lambda args: factory()


def _raises(factory: Callable[[dict], Exception]) -> Answer:
    def answer(args: dict) -> Any:
        raise factory(args)
    return answer


_NO_QUEUE = _raises(lambda a: errors.QueueDoesNotExist(a['name'],
                                                       a['project']))
_NO_MESSAGE = _raises(lambda a: errors.MessageDoesNotExist(
    a['message_id'], a['queue'], a['project']))
_NO_CLAIM = _raises(lambda a: errors.ClaimDoesNotExist(
    a['claim_id'], a['queue'], a['project']))
_NO_SUBSCRIPTION = _raises(lambda a: errors.SubscriptionDoesNotExist(
    a['subscription_id']))
_NOTHING = _returns(lambda: None)
_EMPTY_LIST = _returns(list)
_EMPTY_PAGE = _returns(lambda: ([], None))
_ZERO = _returns(lambda: 0)


def _returns_ids(args: dict) -> list[str]:
    """Nothing was removed: every record's id."""
    return [record.id for record in args['records']]


# controller attribute -> {method: PLACE or the missing-queue answer}
RULES: dict[str, dict[str, Any]] = {
    'queue_controller': {
        'get_metadata': _NO_QUEUE,
        'exists': _returns(lambda: False),
        'stats': _returns(models.QueueStats),
    },
    'message_controller': {
        'post': PLACE,
        'list': _EMPTY_PAGE,
        'get': _NO_MESSAGE,
        'bulk_get': _EMPTY_LIST,
        'delete': _NOTHING,
        'bulk_delete': _NOTHING,
        'pop': _EMPTY_LIST,
    },
    'claim_controller': {
        'create': _returns(lambda: models.Claimed(None, [])),
        'get': _NO_CLAIM,
        'update': _NO_CLAIM,
        'delete': _NOTHING,
    },
    'subscription_controller': {
        'create': PLACE,
        'get': _NO_SUBSCRIPTION,
        'get_with_subscriber': _NOTHING,
        'list': _EMPTY_PAGE,
        'update': _NO_SUBSCRIPTION,
        'confirm': _NO_SUBSCRIPTION,
        'delete': _NOTHING,
    },
    'transfer_controller': {
        'export_tail': _EMPTY_LIST,
        'fetch': _EMPTY_LIST,
        'import_messages': PLACE,
        'release': _NOTHING,
        'remove_unchanged': _returns_ids,
        'export_claims': _EMPTY_LIST,
        'import_claims': PLACE,
        'export_dedup': _EMPTY_LIST,
        'import_dedup': PLACE,
    },
    'delivery_controller': {
        'enqueue': PLACE,
        'fan_out': _ZERO,
        'pending': _ZERO,
        'state': _returns(base.SubscriberState),
        'set_secret': _NOTHING,
        'set_trust': _NOTHING,
    },
}

# The contract class of each controller attribute.
CONTRACTS: dict[str, type] = {
    'queue_controller': base.QueueController,
    'message_controller': base.MessageController,
    'claim_controller': base.ClaimController,
    'subscription_controller': base.SubscriptionController,
    'delivery_controller': base.DeliveryController,
    'transfer_controller': transfer.TransferController,
}


def _forwarder(attr: str, name: str, rule: Any,
               signature: inspect.Signature) -> Callable:
    queue_param = list(signature.parameters)[1]

    handler = moving.HANDLERS.get((attr, name))
    # Calls whose arguments may name a move's positions (list markers).
    steady = (attr, name) in moving.STEADY

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        project = catalog_mod.entry_project(
            kwargs['project'], kwargs.get('scope', scope.QUEUE))
        queue = args[0] if args else kwargs[queue_param]
        catalog = self._router.catalog
        pool, source = catalog.route(project, queue)
        if pool is None:
            if rule is not PLACE:
                bound = signature.bind(self, *args, **kwargs)
                bound.apply_defaults()
                return rule(bound.arguments)
            pool = catalog.place(project, queue)
        if source is None or handler is None:
            if steady:
                # Keyword-only parameters (the marker) are in kwargs.
                kwargs = moving.steady_arguments(attr, name, kwargs)
            controller = getattr(catalog.driver(pool), attr)
            return getattr(controller, name)(*args, **kwargs)
        bound = signature.bind(self, *args, **kwargs)
        bound.apply_defaults()
        arguments = dict(bound.arguments)
        del arguments['self']
        return handler(catalog.driver(source), catalog.driver(pool),
                       arguments)

    forward.__name__ = forward.__qualname__ = name
    forward.__doc__ = (f'``{attr}.{name}`` of the pool holding the queue '
                       f'(see zaqar.storage.pooling.forwarding).')
    return forward


def controller_class(attr: str, written: type) -> type:
    """A contract implementation: ``written``'s methods plus a forwarder
    for every other abstract method of the contract."""
    contract = CONTRACTS[attr]
    methods: dict[str, Any] = {}
    for name in sorted(contract.__abstractmethods__):
        if name in written.__dict__:
            continue
        rule = RULES[attr].get(name)
        if rule is None:
            continue  # left abstract: instantiating the class fails
        signature = inspect.signature(getattr(contract, name))
        methods[name] = _forwarder(attr, name, rule, signature)
    cls_name = 'Pooled' + contract.__name__
    return type(contract)(cls_name, (written, contract), {
        **methods, '__module__': written.__module__,
        '__qualname__': cls_name, '__doc__': written.__doc__})
