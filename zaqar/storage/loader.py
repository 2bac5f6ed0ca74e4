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

"""Find and build storage drivers through stevedore entry points."""

from __future__ import annotations

import functools
from importlib import metadata
from urllib.parse import urlsplit

from stevedore import driver as sd_driver
from stevedore import extension

from zaqar.storage import base, control

DATA_NAMESPACE = 'zaqar.storage.data'
CONTROL_NAMESPACE = 'zaqar.storage.control'

class UnknownDriver(ValueError):
    """No storage driver handles the given name or URI."""


@functools.cache
def _scheme_drivers() -> dict[str, str]:
    """URI scheme -> data driver name, from what each driver declares."""
    manager = extension.ExtensionManager(DATA_NAMESPACE,
                                         invoke_on_load=False)
    return {scheme: ext.name for ext in manager
            for scheme in getattr(ext.plugin, 'uri_schemes', ())}


def driver_name_for_uri(uri: str) -> str:
    """The driver name that serves ``uri`` (by scheme, ignoring +dialect)."""
    drivers = _scheme_drivers()
    scheme = urlsplit(uri).scheme.lower()
    if scheme in drivers:
        return drivers[scheme]
    family = scheme.split('+', 1)[0]
    if family in drivers:
        return drivers[family]
    raise UnknownDriver(f'No storage driver for URI scheme {scheme!r}')


def driver_names(namespace: str) -> list[str]:
    """Names of the installed drivers of ``namespace`` (entry-point order),
    whatever their dependencies (nothing is imported)."""
    return [ep.name for ep in metadata.entry_points(group=namespace)]


def load_data_driver(name: str, uri: str,
                     options: dict | None = None) -> base.DataDriver:
    """Instantiate the data driver registered as ``name``."""
    return _load(DATA_NAMESPACE, name, uri, options)


def load_control_driver(name: str, uri: str,
                        options: dict | None = None
                        ) -> control.ControlDriver:
    """Instantiate the management store registered as ``name``."""
    return _load(CONTROL_NAMESPACE, name, uri, options)


def data_driver_class(name: str) -> type[base.DataDriver]:
    """The class registered as data driver ``name`` (not instantiated)."""
    return driver_class(DATA_NAMESPACE, name)


def control_driver_class(name: str) -> type[control.ControlDriver]:
    """The class registered as management store ``name``."""
    return driver_class(CONTROL_NAMESPACE, name)


def driver_class(namespace: str, name: str):
    """The class registered as ``name`` in ``namespace``."""
    try:
        return sd_driver.DriverManager(namespace, name,
                                       invoke_on_load=False).driver
    except (RuntimeError, LookupError) as exc:
        raise UnknownDriver(f'Unknown storage driver {name!r}') from exc


def _load(namespace: str, name: str, uri: str, options: dict | None):
    try:
        manager = sd_driver.DriverManager(
            namespace, name, invoke_on_load=True,
            invoke_args=(uri,), invoke_kwds={'options': options or {}})
    except (RuntimeError, LookupError) as exc:
        if 'No' in str(exc) or isinstance(exc, LookupError):
            raise UnknownDriver(f'Unknown storage driver {name!r}') from exc
        raise
    return manager.driver
