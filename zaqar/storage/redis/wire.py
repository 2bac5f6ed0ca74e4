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

"""Commands on pooled connections, without redis-py's per-call layers.

redis-py's ``execute_command`` adds retries, hooks and metrics around every
command (about 20 µs here, as much as the localhost round trip itself).
The driver retries on its own (resilience.py), so it packs the command,
writes it on a connection and reads the reply. A batch is several commands
written at once and read back in order: still one round trip. With
``replicas`` set, a script call is followed by ``WAIT`` in the same batch
and fails like a lost connection unless enough replicas confirmed it (see
connection.py).

Connections come from the client's pool once and are then kept by the
wire between calls: the pool's checkout (lock, metrics, a ``poll`` for
stray data, a pid check) costs as much CPU as the round trip. A kept
connection is always in step: any failure other than an error reply
disconnects it (it reconnects on its next use), and the retry policy drops
the kept ones with the pool's idle ones after a lost connection. A forked
child forgets its parent's.
"""

from __future__ import annotations

import inspect
import os
import weakref
from collections.abc import Sequence
from typing import Any

import redis
from redis import exceptions as redis_errors

try:
    from hiredis import pack_command as _hiredis_pack
except ImportError:  # pragma: no cover - hiredis is a requirement
    _hiredis_pack = None

# Every wire, so a forked child can forget the connections it inherited.
_WIRES: weakref.WeakSet = weakref.WeakSet()


def _forget_inherited() -> None:
    for wire in list(_WIRES):
        wire._kept = {}


os.register_at_fork(after_in_child=_forget_inherited)


def _pack(conn: Any, args: Sequence[Any]) -> bytes:
    """RESP bytes of one command (hiredis directly: redis-py's packer
    re-walks every argument first to split and convert what ours never
    are: command names with spaces, memoryviews)."""
    if _hiredis_pack is not None:
        try:
            return _hiredis_pack(tuple(args))
        except TypeError:
            pass
    return b''.join(conn.pack_command(*args))


def _send(conn: Any, data: bytes) -> None:
    """One write (redis-py sends each item of a list)."""
    conn.send_packed_command((data,), check_health=False)


class Wire:
    """Send commands through ``pool`` (a redis-py ConnectionPool)."""

    def __init__(self, pool: Any, scripts: Any, replicas: int = 0,
                 wait_timeout: int = 1000):
        self.pool = pool
        self.scripts = scripts
        self.replicas = replicas
        self._wait = ('WAIT', replicas, wait_timeout)
        # redis-py < 5.3 wants a command name (any will do).
        parameter = inspect.signature(getattr(
            pool, 'get_connection',
            redis.ConnectionPool.get_connection)).parameters.get(
            'command_name')
        self._acquire_args: tuple = (
            ('EVALSHA',) if parameter is not None
            and parameter.default is inspect.Parameter.empty else ())
        # pool -> connections checked out of it and idle between calls.
        self._kept: dict[Any, list] = {}
        _WIRES.add(self)

    def _pool_for(self, command: Sequence[Any]) -> Any:
        """The pool a command goes to (one server here; see cluster.py)."""
        return self.pool

    def _acquire(self, pool: Any) -> Any:
        kept = self._kept.get(pool)
        if kept:
            try:
                return kept.pop()
            except IndexError:  # another thread took the last one
                pass
        return pool.get_connection(*self._acquire_args)

    def _keep(self, pool: Any, conn: Any) -> None:
        kept = self._kept.get(pool)
        if kept is None:
            kept = self._kept.setdefault(pool, [])
        kept.append(conn)
        if self._kept.get(pool) is not kept:
            # drop_idle ran meanwhile: hand it back like the others (the
            # pool ignores a second release).
            try:
                kept.remove(conn)
            except ValueError:
                return
            pool.release(conn)

    def _discard(self, pool: Any, conn: Any) -> None:
        """Unknown state (half-read reply, timeout): never reuse it."""
        try:
            conn.disconnect()
        finally:
            pool.release(conn)

    def drop_idle(self) -> None:
        """Disconnect the kept connections and the pool's idle ones
        (after a lost connection: the others are likely stale too)."""
        kept, self._kept = self._kept, {}
        for pool, conns in kept.items():
            for conn in conns:
                pool.release(conn)
        self.pool.disconnect(inuse_connections=False)

    def call(self, *args: Any) -> Any:
        """One command, one reply (an error reply raises)."""
        pool = self._pool_for(args)
        conn = self._acquire(pool)
        try:
            _send(conn, _pack(conn, args))
            reply = conn.read_response()
        except redis_errors.ResponseError:
            self._keep(pool, conn)
            raise
        except BaseException:
            self._discard(pool, conn)
            raise
        self._keep(pool, conn)
        return reply

    def batch(self, commands: Sequence[Sequence[Any]]) -> list:
        """Several commands in one round trip; replies in order.

        Every reply is read even when some are errors; the first error is
        raised afterwards.
        """
        pool = self._pool_for(commands[0])
        conn = self._acquire(pool)
        try:
            _send(conn, b''.join(_pack(conn, c) for c in commands))
            replies: list = []
            failure: redis_errors.ResponseError | None = None
            for _ in commands:
                try:
                    replies.append(conn.read_response())
                except redis_errors.ResponseError as exc:
                    failure = failure or exc
                    replies.append(exc)
        except BaseException:
            self._discard(pool, conn)
            raise
        self._keep(pool, conn)
        if failure is not None:
            raise failure
        return replies

    def script(self, name: str, keys: Sequence[str],
               args: Sequence[Any]) -> Any:
        """EVALSHA one of the driver's scripts (NOSCRIPT raises)."""
        command = self.scripts.command(name, keys, args)
        if not self.replicas:
            return self.call(*command)
        reply, confirmed = self.batch((command, self._wait))
        if int(confirmed) < self.replicas:
            raise redis_errors.ConnectionError(
                f'{confirmed} of {self.replicas} replicas confirmed a write')
        return reply
