"""Build the service's singletons (storage, API service) from config."""

from __future__ import annotations

import logging

from zaqar.api import gc
from zaqar.api import service as api_service
from zaqar.conf import paths
from zaqar.conf import stores
from zaqar.storage import loader

LOG = logging.getLogger(__name__)

MESSAGE_STORES = ('sqlalchemy', 'redis', 'mongodb')

_GROUPS = {
    'sqlalchemy': stores.SQLALCHEMY_MESSAGE,
    'redis': stores.REDIS_MESSAGE,
    'mongodb': stores.MONGODB_MESSAGE,
}


class ConfigError(Exception):
    """The configuration cannot run a service; the message says why."""


def storage_from_conf(conf):
    """The data driver selected by [drivers] message_store."""
    name = conf.drivers.message_store
    if name not in MESSAGE_STORES:
        hint = (' The swift store is not supported by this implementation.'
                if name == 'swift' else '')
        raise ConfigError(f'[drivers] message_store = {name!r} is not one of '
                          f'{", ".join(MESSAGE_STORES)}.{hint}')
    group = conf[_GROUPS[name]]
    options = {opt: getattr(group, opt) for opt in group}
    uri = options.pop('uri', None)
    if not uri:
        if name != 'sqlalchemy':
            raise ConfigError(f'[{_GROUPS[name]}] uri must be set.')
        uri = paths.default_sqlite_uri()
        LOG.info('Using the embedded SQLite store at %s', uri)
    return loader.load_data_driver(name, uri, options)


def service_from_conf(conf, *, background: bool = True
                      ) -> api_service.Service:
    """The Service; ``background`` starts the expired-data sweep and,
    with ``[notification] notifier_in_api``, the notification workers."""
    service = api_service.Service(conf, storage_from_conf(conf))
    if background:
        gc.Collector(service.storage, conf.storage.gc_interval).start()
        if conf.notification.notifier_in_api:
            from zaqar.notification import pipeline
            service.notifier = pipeline.Notifier(service).start()
    return service
