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

"""The reference deployment's stores, as its own config file names them.

The old ``zaqar.conf`` is read with this service's option set (which
accepts every reference option) under the reference's defaults. Unpooled,
messages and subscriptions come from ``[drivers] message_store``;
pooled, each queue's messages come from the pool the catalog places it on.
Queue records, pools, flavors and the catalog always come from the
management store (the reference keeps queues there, pooled or not; its
Redis management layout is read for queues only).
"""

from __future__ import annotations

import urllib.parse

from oslo_config import cfg

import zaqar.conf
from zaqar.conf import stores
from zaqar.migrate import mongodb_layout, records, redis_layout, reference_crypto, sql_layout


class SourceError(Exception):
    """The old configuration names no store this command can read."""


def load_config(path: str) -> cfg.ConfigOpts:
    conf = cfg.ConfigOpts()
    zaqar.conf.register_opts(conf)
    conf(args=[], project='zaqar', default_config_files=[path])
    return conf


def _data_layout(kind: str, uri: str, database: str = 'zaqar'):
    if kind == 'redis':
        return redis_layout.RedisLayout(uri)
    if kind == 'mongodb':
        return mongodb_layout.MongoLayout(uri, database)
    raise SourceError(f'message store {kind!r}: only the reference\'s '
                      f'redis and mongodb message layouts are read')


def _scheme_kind(uri: str) -> str:
    scheme = urllib.parse.urlparse(uri).scheme
    return 'mongodb' if scheme.startswith('mongodb') else scheme.split('+')[0]


class Source:
    """Readers over the old deployment's stores."""

    def __init__(self, conf: cfg.ConfigOpts):
        self.pooling = conf.pooling
        # Opens what the reference sealed on encrypting queues.
        self.opener = reference_crypto.ReferenceOpener.from_old_conf(conf)
        self.management = self._management(conf)
        self._pools: dict[str, records.Pool] = {}
        self._layouts: dict[str, object] = {}
        self.message_layout = None
        if self.pooling:
            if self.management is None:
                raise SourceError('pooling is on but the management store '
                                  'has no uri')
            self._pools = {p.name: p for p in self.management.pools()}
        else:
            kind = conf.drivers.message_store
            # The reference keeps messages in MongoDB unless it says Redis.
            group = conf[stores.message_group(
                'redis' if kind == 'redis' else 'mongodb')]
            if not group.uri:
                raise SourceError(f'[drivers] message_store = {kind} has no '
                                  f'uri in the old configuration')
            self.message_layout = _data_layout(
                kind, group.uri, getattr(group, 'database', 'zaqar'))

    @staticmethod
    def _management(conf):
        kind = conf.drivers.management_store
        if kind == 'redis':
            uri = conf[stores.management_group('redis')].uri
            return redis_layout.RedisLayout(uri) if uri else None
        if kind == 'sqlalchemy':
            uri = conf[stores.management_group('sqlalchemy')].uri
            return sql_layout.SqlLayout(uri) if uri else None
        if kind == 'mongodb':
            group = conf[stores.management_group('mongodb')]
            return (mongodb_layout.MongoLayout(group.uri, group.database)
                    if group.uri else None)
        return None

    def queues(self) -> list[records.Queue]:
        # The reference keeps queue records in the management store, pooled
        # or not.
        if self.management is None:
            raise SourceError('the old configuration\'s management store '
                              '(where the reference keeps queues) has no uri')
        return list(self.management.queues())

    def placements(self) -> dict[tuple[str, str], str]:
        if not hasattr(self.management, 'placements'):
            return {}
        return {(p.project, p.queue): p.pool
                for p in self.management.placements()}

    def layout_for(self, queue: records.Queue, placements: dict):
        """The store holding ``queue``'s messages and subscriptions."""
        if not self.pooling:
            return self.message_layout
        pool = self._pools.get(placements.get((queue.project, queue.name)))
        if pool is None:
            return None
        if pool.name not in self._layouts:
            self._layouts[pool.name] = _data_layout(
                _scheme_kind(pool.uri), pool.uri,
                pool.options.get('database', 'zaqar'))
        return self._layouts[pool.name]

    def close(self) -> None:
        for layout in (self.management, self.message_layout,
                       *self._layouts.values()):
            if layout is not None:
                layout.close()
