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

"""Scope support for a driver whose layout has no kind of its own.

Such a driver keeps a project's topics under a hidden storage project
(``scopes.legacy_project``), the layout every driver had before topics
were a storage scope. ``wrap`` puts the ``scope=`` keyword of the
contract in front of its controllers: the translation lives here, not in
the API layer or the delivery pipeline, and ``Delivery.scope`` comes out
right. A driver with a native kind (a column, a key namespace, a document
field) does not use this module.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

from zaqar.storage import scope as scopes

#: Methods taking ``scope=``: every method of these controllers but the
#: outbox's leasing and settling ones, which carry it in the Delivery.
_SETTLING = frozenset({'lease', 'complete', 'retry', 'fail'})


def _project(project: str, kind: str) -> str:
    return scopes.legacy_project(project) if scopes.check(kind) == \
        scopes.TOPIC else project


def _decoded(delivery):
    project, kind = scopes.legacy_split(delivery.project)
    if kind == scopes.QUEUE:
        return delivery
    return dataclasses.replace(delivery, project=project, scope=kind)


def _encoded(delivery):
    if delivery.scope == scopes.QUEUE:
        return delivery
    return dataclasses.replace(delivery,
                               project=scopes.legacy_project(delivery.project),
                               scope=scopes.QUEUE)


class Scoped:
    """A controller of the contract in front of one without scopes."""

    def __init__(self, inner: Any):
        object.__setattr__(self, '_inner', inner)

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        if not callable(attr) or name.startswith('_') or name in _SETTLING:
            return attr

        @functools.wraps(attr)
        def call(*args: Any, **kwargs: Any) -> Any:
            kind = kwargs.pop('scope', scopes.QUEUE)
            if 'project' in kwargs and kwargs['project'] is not None:
                kwargs['project'] = _project(kwargs['project'], kind)
            return attr(*args, **kwargs)
        # Built once per method: later lookups find it on the instance.
        object.__setattr__(self, name, call)
        return call


class ScopedDeliveries(Scoped):
    """The outbox: deliveries come out with their scope, go back encoded."""

    def __init__(self, inner: Any, queues: Any):
        object.__setattr__(self, '_inner', inner)
        object.__setattr__(self, '_queues', queues)

    def __setattr__(self, name: str, value: Any) -> None:
        # ``activity`` (the router shares its event) is the inner one's.
        setattr(self._inner, name, value)

    def fan_out(self, queue, messages, *, project, scope=scopes.QUEUE,
                traceparent=None):
        stored = _project(project, scope)
        if scope == scopes.TOPIC:
            # Two steps on this layout: the record, then the deliveries.
            self._queues.create(queue, project=stored, metadata={})
        return self._inner.fan_out(queue, messages, project=stored,
                                   traceparent=traceparent)

    def lease(self, limit, seconds, *, project=None):
        if project is None:
            leased = self._inner.lease(limit, seconds)
        else:
            # One project's own deliveries: its queues' and its topics'.
            leased = self._inner.lease(limit, seconds, project=project)
            if len(leased) < limit:
                leased += self._inner.lease(
                    limit - len(leased), seconds,
                    project=scopes.legacy_project(project))
        return [_decoded(d) for d in leased]

    def complete(self, deliveries):
        self._inner.complete([_encoded(d) for d in deliveries])

    def retry(self, delivery, at, error):
        return self._inner.retry(_encoded(delivery), at, error)

    def fail(self, delivery, error):
        return self._inner.fail(_encoded(delivery), error)
