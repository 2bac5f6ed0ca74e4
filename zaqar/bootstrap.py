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

"""Build the service's singletons (storage, API service) from config."""

from __future__ import annotations

import logging

from zaqar.api import gc
from zaqar.api import service as api_service
from zaqar.common import shared_cache
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


def storage_from_conf(conf, cache_region=None):
    """The data driver selected by [drivers] message_store, or with
    ``pooling`` the router over the management store's pools."""
    if conf.pooling:
        return pooled_storage_from_conf(conf, cache_region)
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


def pooled_storage_from_conf(conf, cache_region=None):
    """The pooling router over the configured management store; its
    catalog cache is shared through ``cache_region`` (or the one
    ``[cache]`` configures) when there is one."""
    from zaqar.storage.pooling import router
    if cache_region is None:
        cache_region = shared_cache.region_from_conf(conf)
    store = management_store_from_conf(conf)
    catalog = conf['pooling:catalog']
    return router.DataDriver(store.uri, {
        'cache_ttl': catalog.cache_ttl,
        'cache_size': catalog.cache_size,
        'enable_virtual_pool': catalog.enable_virtual_pool,
        'shared_cache_ttl': conf.cache.expiration_time,
    }, store=store, cache_region=cache_region)


def service_from_conf(conf, *, background: bool = True
                      ) -> api_service.Service:
    """The Service; ``background`` starts the expired-data sweep and,
    with ``[notification] notifier_in_api``, the notification workers."""
    tracing = tracing_setup.Tracing.from_conf(conf)
    # One oslo.cache region per process (None with [cache] off).
    region = shared_cache.region_from_conf(conf)
    storage = observed.wrap(storage_from_conf(conf, region),
                            _observers(conf) + tracing.storage_observers())
    service = api_service.Service(conf, storage, cache_region=region)
    service.tracing = tracing
    if conf.metrics.enabled:
        from zaqar.metrics import setup as metrics_setup
        metrics_setup.install(service)
    if background:
        gc.Collector(service.storage, conf.storage.gc_interval).start()
        if conf.redrive.run_tasks:
            from zaqar.api import redrive_worker
            service.redrive_runner = redrive_worker.Runner(
                service.storage,
                redrive_worker.Settings.from_conf(conf)).start()
        if conf.notification.notifier_in_api:
            from zaqar.notification import pipeline
            service.notifier = pipeline.Notifier(service).start()
    return service


def _observers(conf) -> list:
    """Who sees each storage call: metrics, when turned on."""
    found = []
    if conf.metrics.enabled:
        from zaqar.metrics import setup as metrics_setup
        found.append(metrics_setup.storage_observer)
    return found
