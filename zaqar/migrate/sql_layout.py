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

"""Read the reference's SQL management store (MySQL/PostgreSQL/SQLite).

Tables as the reference 23.x creates them: ``Queues`` (project, name,
metadata as JSON bytes) for pooled deployments, ``Pools`` (name, uri,
weight, options JSON, flavor), ``Flavors`` (name, project, capabilities
JSON) and ``Catalogue`` (pool, project, queue).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import sqlalchemy as sa

from zaqar.migrate import records


def _json(value, default):
    if value in (None, b'', ''):
        return default
    if isinstance(value, bytes):
        value = value.decode()
    try:
        return json.loads(value)
    except ValueError:
        return default


class SqlLayout:
    """The reference's management tables in one database."""

    def __init__(self, uri: str):
        self.uri = uri
        self.engine = sa.create_engine(uri)
        self._tables = set(sa.inspect(self.engine).get_table_names())

    def _rows(self, table: str, order: str) -> list:
        if table not in self._tables:
            return []
        with self.engine.connect() as conn:
            # Table and column names are this module's constants, quoted
            # by the dialect; nothing here comes from a request.
            query = (f'SELECT * FROM {self._quote(table)} '  # nosec B608
                     f'ORDER BY {order}')
            return list(conn.execute(sa.text(query)).mappings())

    def _quote(self, name: str) -> str:
        return self.engine.dialect.identifier_preparer.quote(name)

    def queues(self) -> Iterator[records.Queue]:
        for row in self._rows('Queues', 'project, name'):
            yield records.Queue(row['project'] or '', row['name'],
                                _json(row['metadata'], {}))

    def pools(self) -> Iterator[records.Pool]:
        for row in self._rows('Pools', 'name'):
            yield records.Pool(row['name'], row['uri'], int(row['weight']),
                               row.get('flavor'), _json(row['options'], {}))

    def flavors(self) -> Iterator[records.Flavor]:
        for row in self._rows('Flavors', 'name'):
            caps = _json(row.get('capabilities'), {})
            yield records.Flavor(row['name'],
                                 caps if isinstance(caps, dict) else {})

    def placements(self) -> Iterator[records.Placement]:
        for row in self._rows('Catalogue', 'project, queue'):
            yield records.Placement(row['project'] or '', row['queue'],
                                    row['pool'])

    def close(self) -> None:
        self.engine.dispose()
