"""Build the service's singletons (storage, API service) from config."""

from __future__ import annotations

import logging

from zaqar.api import gc
from zaqar.api import service as api_service
from zaqar.common.errors import ConfigError
from zaqar.conf import paths
from zaqar.storage import loader, observed
from zaqar.tracing import setup as tracing_setup

LOG = logging.getLogger(__name__)

def _selected(namespace: str, kind: str, name: str):
    """(driver class, its option group) for ``[drivers] <kind> = name``.

    The choices are the installed drivers that name an option group
    (entry points of ``namespace``; the pooling router names none).
    """
    try:
        cls = loader.driver_class(namespace, name)
    except loader.UnknownDriver:
        cls = None
    if cls is None or not cls.option_group:
        choices = [n for n in loader.driver_names(namespace)
                   if n != 'pooled']
        hint = (' The swift store is not supported by this implementation.'
                if name == 'swift' else '')
        raise ConfigError(f'[drivers] {kind} = {name!r} is not one of '
                          f'{", ".join(choices)}.{hint}')
    return cls, cls.option_group


def _uri_and_options(conf, cls, group_name: str, what: str):
    group = conf[group_name]
    options = {opt: getattr(group, opt) for opt in group}
    uri = options.pop('uri', None)
    if not uri:
        if not cls.embedded_default:
            raise ConfigError(f'[{group_name}] uri must be set.')
        uri = paths.default_sqlite_uri()
        LOG.info('Using the embedded SQLite %s at %s', what, uri)
    return uri, options


def storage_from_conf(conf):
    """The data driver selected by [drivers] message_store, or with
    ``pooling`` the router over the management store's pools."""
    if conf.pooling:
        return pooled_storage_from_conf(conf)
    name = conf.drivers.message_store
    cls, group = _selected(loader.DATA_NAMESPACE, 'message_store', name)
    uri, options = _uri_and_options(conf, cls, group, 'store')
    return loader.load_data_driver(name, uri, options)


def management_store_from_conf(conf):
    """The management store selected by [drivers] management_store."""
    name = conf.drivers.management_store
    cls, group = _selected(loader.CONTROL_NAMESPACE, 'management_store',
                           name)
    uri, options = _uri_and_options(conf, cls, group, 'management store')
    return loader.load_control_driver(name, uri, options)


def pooled_storage_from_conf(conf):
    """The pooling router over the configured management store."""
    from zaqar.storage.pooling import router
    store = management_store_from_conf(conf)
    catalog = conf['pooling:catalog']
    return router.DataDriver(store.uri, {
        'cache_ttl': catalog.cache_ttl,
        'cache_size': catalog.cache_size,
        'enable_virtual_pool': catalog.enable_virtual_pool,
    }, store=store)


def service_from_conf(conf, *, background: bool = True
                      ) -> api_service.Service:
    """The Service; ``background`` starts the expired-data sweep and,
    with ``[notification] notifier_in_api``, the notification workers."""
    refuse_ignored_options(conf)
    tracing = tracing_setup.Tracing.from_conf(conf)
    storage = observed.wrap(storage_from_conf(conf),
                            _observers(conf) + tracing.storage_observers())
    service = api_service.Service(conf, storage)
    service.tracing = tracing
    if conf.metrics.enabled:
        from zaqar.metrics import setup as metrics_setup
        metrics_setup.install(service)
    if background:
        gc.Collector(service.storage, conf.storage.gc_interval).start()
        if conf.notification.notifier_in_api:
            from zaqar.notification import pipeline
            service.notifier = pipeline.Notifier(service).start()
    return service


def refuse_ignored_options(conf) -> None:
    """Refuse options a deployment may set that this service cannot honour.

    ``[cache] enabled`` (oslo.cache): every cache of this service is per
    process and short-lived (queue metadata, pool catalog); nothing reads a
    shared cache backend, so an operator relying on one is told at start.
    """
    from oslo_cache import core as cache_core
    cache_core.configure(conf)
    if conf.cache.enabled:
        raise ConfigError(
            '[cache] enabled = true: this service does not use oslo.cache '
            '(its queue-metadata and pool-catalog caches are per process, '
            'bounded by [transport] queue_metadata_cache_ttl and '
            '[pooling:catalog] cache_ttl). Remove the [cache] section or '
            'set enabled = false.')


def _observers(conf) -> list:
    """Who sees each storage call: metrics, when turned on."""
    found = []
    if conf.metrics.enabled:
        from zaqar.metrics import setup as metrics_setup
        found.append(metrics_setup.storage_observer)
    return found
