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

"""The SQL management store: pools, flavors and the catalogue in three tables.

The tables (``tables.pools``, ``flavors``, ``catalogue``) come with the
data schema (migration 0003), so by default the management store is the
same embedded SQLite file as the message store. Multi-row changes (a
flavor's pool list, a pool's deletion checks) run in one transaction.
"""

from __future__ import annotations

import functools
from typing import Any

import sqlalchemy as sa

from zaqar.conf import paths
from zaqar.storage import control
from zaqar.storage.sqlalchemy import engine, migration, sql, tables

P, F, C = tables.pools, tables.flavors, tables.catalogue


def _pool(row: Any) -> control.Pool:
    return control.Pool(name=row.name, uri=row.uri, weight=row.weight,
                        flavor=row.flavor, options=sql.loads(row.options))


def _page(stmt: sa.Select, column: sa.Column, marker: str | None,
          limit: int | None) -> sa.Select:
    if marker is not None:
        stmt = stmt.where(column > marker)
    stmt = stmt.order_by(column)
    return stmt if limit is None else stmt.limit(limit)


class PoolsController(control.PoolsController):
    def __init__(self, db: engine.Database):
        self._db = db

    def put(self, pool: control.Pool) -> bool:
        values = {'uri': pool.uri, 'weight': pool.weight,
                  'flavor': pool.flavor, 'options': sql.dumps(pool.options)}

        def run(conn: sa.Connection) -> bool:
            owner = conn.execute(sa.select(P.c.name).where(
                P.c.uri == pool.uri, P.c.name != pool.name)).scalar()
            if owner is not None:
                raise control.PoolAlreadyExists(owner)
            changed = conn.execute(P.update().where(
                P.c.name == pool.name).values(**values)).rowcount
            if changed:
                return False
            conn.execute(P.insert().values(name=pool.name, **values))
            return True

        return self._db.write(
            run, conflict=lambda: control.PoolAlreadyExists(pool.name))

    def get(self, name: str) -> control.Pool:
        row = self._db.read(lambda conn: conn.execute(
            sa.select(P).where(P.c.name == name)).first())
        if row is None:
            raise control.PoolDoesNotExist(name)
        return _pool(row)

    def list(self, *, marker: str | None = None,
             limit: int | None = 10) -> list[control.Pool]:
        stmt = _page(sa.select(P), P.c.name, marker, limit)
        return [_pool(r) for r in self._db.read(
            lambda conn: conn.execute(stmt).all())]

    def delete(self, name: str) -> None:
        def run(conn: sa.Connection) -> None:
            row = conn.execute(sa.select(P.c.flavor).where(
                P.c.name == name).with_for_update()).first()
            if row is None:
                return
            if conn.execute(sa.select(C.c.queue).where(
                    C.c.pool == name).limit(1)).first() is not None:
                raise control.PoolInUse(name)
            if row.flavor is not None:
                flavor_exists = conn.execute(sa.select(F.c.name).where(
                    F.c.name == row.flavor)).first() is not None
                peers = conn.execute(sa.select(sa.func.count()).where(
                    P.c.flavor == row.flavor, P.c.name != name)).scalar()
                if flavor_exists and not peers:
                    raise control.PoolInUseByFlavor(name, row.flavor)
            conn.execute(P.delete().where(P.c.name == name))

        self._db.write(run)


class FlavorsController(control.FlavorsController):
    def __init__(self, db: engine.Database):
        self._db = db

    def put(self, name: str, pool_list: list[str],
            capabilities: dict | None = None) -> bool:
        wanted = sorted(set(pool_list))
        caps = sql.dumps(capabilities or {})

        def run(conn: sa.Connection) -> bool:
            known = set(conn.execute(sa.select(P.c.name).where(
                P.c.name.in_(wanted))).scalars()) if wanted else set()
            for pool in wanted:
                if pool not in known:
                    raise control.PoolDoesNotExist(pool)
            created = not conn.execute(F.update().where(
                F.c.name == name).values(capabilities=caps)).rowcount
            if created:
                conn.execute(F.insert().values(name=name, capabilities=caps))
            leaving = P.update().where(P.c.flavor == name)
            if wanted:
                leaving = leaving.where(P.c.name.not_in(wanted))
            conn.execute(leaving.values(flavor=None))
            if wanted:
                conn.execute(P.update().where(P.c.name.in_(wanted))
                             .values(flavor=name))
            return created

        return self._db.write(run)

    def _flavor(self, conn: sa.Connection, row: Any) -> control.Flavor:
        members = conn.execute(sa.select(P.c.name).where(
            P.c.flavor == row.name).order_by(P.c.name)).scalars()
        return control.Flavor(row.name, tuple(members),
                              sql.loads(row.capabilities))

    def get(self, name: str) -> control.Flavor:
        def run(conn: sa.Connection) -> control.Flavor:
            row = conn.execute(sa.select(F).where(F.c.name == name)).first()
            if row is None:
                raise control.FlavorDoesNotExist(name)
            return self._flavor(conn, row)

        return self._db.read(run)

    def list(self, *, marker: str | None = None,
             limit: int = 10) -> list[control.Flavor]:
        stmt = _page(sa.select(F), F.c.name, marker, limit)
        return self._db.read(lambda conn: [
            self._flavor(conn, row) for row in conn.execute(stmt).all()])

    def delete(self, name: str) -> None:
        def run(conn: sa.Connection) -> None:
            conn.execute(F.delete().where(F.c.name == name))
            conn.execute(P.update().where(P.c.flavor == name)
                         .values(flavor=None))

        self._db.write(run)


class CatalogueController(control.CatalogueController):
    def __init__(self, db: engine.Database):
        self._db = db

    def _where(self, project: str, queue: str) -> sa.ColumnElement[bool]:
        return sa.and_(C.c.project == sql.project_key(project),
                       C.c.queue == queue)

    def get(self, project: str, queue: str) -> str | None:
        stmt = sa.select(C.c.pool).where(self._where(project, queue))
        return self._db.read(lambda conn: conn.execute(stmt).scalar())

    def insert(self, project: str, queue: str, pool: str) -> str:
        row = {'project': sql.project_key(project), 'queue': queue,
               'pool': pool}
        current = sa.select(C.c.pool).where(self._where(project, queue))

        def run(conn: sa.Connection) -> str:
            sql.insert_ignoring_conflict(conn, C, row)
            return conn.execute(current).scalar()

        return self._db.write(run)

    def move(self, project: str, queue: str, pool: str) -> None:
        row = {'project': sql.project_key(project), 'queue': queue,
               'pool': pool}

        def run(conn: sa.Connection) -> None:
            if not sql.insert_ignoring_conflict(conn, C, row):
                conn.execute(C.update().where(self._where(project, queue))
                             .values(pool=pool))

        self._db.write(run)

    def delete(self, project: str, queue: str) -> None:
        stmt = C.delete().where(self._where(project, queue))
        self._db.write(lambda conn: conn.execute(stmt))

    def pools_of(self, project: str) -> set[str]:
        stmt = sa.select(C.c.pool).where(
            C.c.project == sql.project_key(project)).distinct()
        return set(self._db.read(lambda conn: conn.execute(stmt).scalars()))

    def count(self, pool: str) -> int:
        stmt = sa.select(sa.func.count()).where(C.c.pool == pool)
        return self._db.read(lambda conn: conn.execute(stmt).scalar())


class ControlDriver(control.ControlDriver):
    """Pools, flavors and catalogue in a SQL database (SQLite by default).

    Nothing connects until the first call; an empty database gets the
    whole zaqar schema then (``zaqar-manage db sync`` in production).
    """

    name = 'sqlalchemy'
    option_group = 'drivers:management_store:sqlalchemy'
    embedded_default = True

    def __init__(self, uri: str | None = None,
                 options: dict[str, Any] | None = None):
        super().__init__(uri or paths.default_sqlite_uri(), options)
        self.db = engine.Database(self.uri, prepare=migration.ensure_schema)

    @functools.cached_property
    def pools_controller(self) -> PoolsController:
        return PoolsController(self.db)

    @functools.cached_property
    def flavors_controller(self) -> FlavorsController:
        return FlavorsController(self.db)

    @functools.cached_property
    def catalogue_controller(self) -> CatalogueController:
        return CatalogueController(self.db)

    def is_alive(self) -> bool:
        return self.db.ping()

    def close(self) -> None:
        self.db.dispose()
