"""Commands on pooled connections, without redis-py's per-call layers.

redis-py's ``execute_command`` adds retries, hooks and metrics around every
command (about 20 µs here, as much as the localhost round trip itself).
The driver retries on its own (resilience.py), so it packs the command,
writes it on a connection from the client's pool and reads the reply. A
batch is several commands written at once and read back in order: still
one round trip. With ``replicas`` set, a script call is followed by
``WAIT`` in the same batch and fails like a lost connection unless enough
replicas confirmed it (see connection.py).
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

import redis
from redis import exceptions as redis_errors


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

    def _pool_for(self, command: Sequence[Any]) -> Any:
        """The pool a command goes to (one server here; see cluster.py)."""
        return self.pool

    def call(self, *args: Any) -> Any:
        """One command, one reply (an error reply raises)."""
        pool = self._pool_for(args)
        conn = pool.get_connection(*self._acquire_args)
        try:
            conn.send_packed_command(conn.pack_command(*args),
                                     check_health=False)
            return conn.read_response()
        except redis_errors.ResponseError:
            raise
        except BaseException:
            # Unknown state (half-read reply, timeout): never reuse it.
            conn.disconnect()
            raise
        finally:
            pool.release(conn)

    def batch(self, commands: Sequence[Sequence[Any]]) -> list:
        """Several commands in one round trip; replies in order.

        Every reply is read even when some are errors; the first error is
        raised afterwards.
        """
        pool = self._pool_for(commands[0])
        conn = pool.get_connection(*self._acquire_args)
        try:
            conn.send_packed_command(conn.pack_commands(commands),
                                     check_health=False)
            replies: list = []
            failure: redis_errors.ResponseError | None = None
            for _ in commands:
                try:
                    replies.append(conn.read_response())
                except redis_errors.ResponseError as exc:
                    failure = failure or exc
                    replies.append(exc)
            if failure is not None:
                raise failure
            return replies
        except redis_errors.ResponseError:
            raise
        except BaseException:
            conn.disconnect()
            raise
        finally:
            pool.release(conn)

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
