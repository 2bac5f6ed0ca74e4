"""Find and build storage drivers through stevedore entry points."""

from __future__ import annotations

from urllib.parse import urlsplit

from stevedore import driver as sd_driver

from zaqar.storage import base, control

DATA_NAMESPACE = 'zaqar.storage.data'
CONTROL_NAMESPACE = 'zaqar.storage.control'

# URI scheme -> driver name, for pools described by their URI alone.
_SCHEME_DRIVERS = {
    'sqlite': 'sqlalchemy',
    'postgresql': 'sqlalchemy',
    'mysql': 'sqlalchemy',
    'mariadb': 'sqlalchemy',
    'redis': 'redis',
    'rediss': 'redis',
    'unix': 'redis',
    'redis+sentinel': 'redis',
    'mongodb': 'mongodb',
    'mongodb+srv': 'mongodb',
}


class UnknownDriver(ValueError):
    """No storage driver handles the given name or URI."""


def driver_name_for_uri(uri: str) -> str:
    """The driver name that serves ``uri`` (by scheme, ignoring +dialect)."""
    scheme = urlsplit(uri).scheme.lower()
    if scheme in _SCHEME_DRIVERS:
        return _SCHEME_DRIVERS[scheme]
    family = scheme.split('+', 1)[0]
    if family in _SCHEME_DRIVERS:
        return _SCHEME_DRIVERS[family]
    raise UnknownDriver(f'No storage driver for URI scheme {scheme!r}')


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
    try:
        return sd_driver.DriverManager(DATA_NAMESPACE, name,
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
