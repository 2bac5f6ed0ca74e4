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

"""Storage calls seen by observers (metrics, tracing) at the driver boundary.

``wrap(driver, observers)`` gives a driver whose queue, message, claim and
subscription controllers time or trace each public call. Each observer is
``observer(driver_name, controller, method, func) -> func``; the wrapped
methods are built once per controller and method, so the per-call cost is
the observers' own. With no observers the driver is returned as it is.
"""

from __future__ import annotations

from typing import Callable, Sequence

Observer = Callable[[str, str, str, Callable], Callable]

# Controllers whose calls are observed (the delivery outbox is internal).
CONTROLLERS = ('queue_controller', 'message_controller', 'claim_controller',
               'subscription_controller')


def driver_name(driver) -> str:
    """``redis``, ``sqlalchemy``, ``mongodb``, ``pooling``: the package."""
    parts = type(driver).__module__.split('.')
    return parts[2] if len(parts) > 2 and parts[1] == 'storage' \
        else parts[-1]


class ObservedController:
    """A controller proxy whose public methods pass through observers."""

    def __init__(self, inner, driver: str, name: str,
                 observers: Sequence[Observer]):
        self._inner = inner
        self._driver = driver
        self._name = name.replace('_controller', '')
        self._observers = tuple(observers)

    def __getattr__(self, attr: str):
        value = getattr(self._inner, attr)
        if attr.startswith('_') or not callable(value):
            return value
        for observer in self._observers:
            value = observer(self._driver, self._name, attr, value)
        # Cached: the next lookup finds the wrapped method directly.
        self.__dict__[attr] = value
        return value


class ObservedDriver:
    """The driver, with observed controllers; everything else as is."""

    def __init__(self, inner, observers: Sequence[Observer]):
        self._inner = inner
        name = driver_name(inner)
        for attr in CONTROLLERS:
            self.__dict__[attr] = ObservedController(
                getattr(inner, attr), name, attr, observers)

    def __getattr__(self, attr: str):
        return getattr(self._inner, attr)


def wrap(driver, observers: Sequence[Observer]):
    """``driver`` with its controllers observed (unchanged if none)."""
    if not observers:
        return driver
    return ObservedDriver(driver, observers)
