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

"""Connection URIs of the Redis driver and the clients built from them.

Accepted forms (query parameters apply to all of them)::

    redis://[[user]:password@]host[:port][/db]
    rediss://...                                   (TLS)
    redis:/path/to/socket   unix:///path/to/socket (unix socket)
    redis+sentinel://[:password@]host[:port][,host2[:port2]...]/master[/db]
    redis://host1[:port],host2[:port]?master=name  (sentinel, legacy form)
    redis+cluster://host[:port][,host2[:port2]...]  (Redis Cluster, db 0;
                                                    see cluster.py)

Query parameters: ``dbid`` (or ``db``), ``socket_timeout``,
``socket_connect_timeout``, ``max_connections``, ``sentinel_password``,
``ssl_cert_reqs``, ``ssl_ca_certs``, ``ssl_certfile``, ``ssl_keyfile``,
``master``, ``wait_replicas`` and ``wait_timeout`` (see below). The default
timeouts are short so that an outage turns into
StorageUnavailable quickly instead of a hung request; redis-py's own retries
are disabled because the driver retries itself (see resilience.py).

Redis replicates asynchronously, so a master that dies right after a write
can take the write with it when a replica is promoted. ``wait_replicas=N``
makes every script call wait (``WAIT N wait_timeout``, milliseconds,
default 1000) until N replicas have it, in the same round trip; a call
that N replicas did not confirm fails like a lost connection and is
retried or answered 503, so what the API acknowledged survives a failover.
"""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import redis
from redis import backoff as redis_backoff
from redis import retry as redis_retry
from redis import sentinel as redis_sentinel

DEFAULT_PORT = 6379
DEFAULT_SENTINEL_PORT = 26379
# Seconds to establish a TCP connection: an unreachable server is noticed
# within about this long.
DEFAULT_CONNECT_TIMEOUT = 1.0
# Seconds to wait for a reply: every script is short (bounded work), so a
# longer silence means the server is stuck or gone.
DEFAULT_SOCKET_TIMEOUT = 1.5

# Milliseconds a write waits for its replicas when wait_replicas is set.
DEFAULT_WAIT_TIMEOUT = 1000

_SSL_PARAMS = ('ssl_cert_reqs', 'ssl_ca_certs', 'ssl_certfile',
               'ssl_keyfile')


class InvalidURI(ValueError):
    """The Redis URI cannot be understood."""


@dataclasses.dataclass(frozen=True)
class Settings:
    """Where and how to connect, parsed from a URI."""

    kind: str  # 'tcp', 'unix', 'sentinel' or 'cluster'
    hosts: tuple[tuple[str, int], ...] = ()
    path: str | None = None
    db: int = 0
    username: str | None = None
    password: str | None = None
    ssl: bool = False
    master: str | None = None
    sentinel_password: str | None = None
    socket_timeout: float = DEFAULT_SOCKET_TIMEOUT
    socket_connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    max_connections: int | None = None
    ssl_options: tuple[tuple[str, str], ...] = ()
    wait_replicas: int = 0
    wait_timeout: int = DEFAULT_WAIT_TIMEOUT


def _split_hosts(hostlist: str, default_port: int) -> list[tuple[str, int]]:
    """``h1:p1,[::1]:p2,h3`` -> [(h1, p1), ('::1', p2), (h3, default)]."""
    hosts = []
    for item in hostlist.split(','):
        item = item.strip()
        if not item:
            continue
        port = default_port
        if item.startswith('['):
            host, _, rest = item[1:].partition(']')
            if rest.startswith(':'):
                port = int(rest[1:])
        elif item.count(':') == 1:
            host, _, port_text = item.partition(':')
            port = int(port_text) if port_text else default_port
        else:
            host = item
        hosts.append((unquote(host), port))
    return hosts


def _credentials(userinfo: str) -> tuple[str | None, str | None]:
    if not userinfo:
        return None, None
    user, sep, password = userinfo.partition(':')
    if not sep:
        return None, unquote(user) or None
    return unquote(user) or None, unquote(password) or None


def _float(query: dict, name: str, default: float) -> float:
    values = query.get(name)
    return float(values[-1]) if values else default


def parse_uri(uri: str) -> Settings:
    """Settings from a driver URI (see the module docstring)."""
    try:
        return _parse(uri)
    except (ValueError, IndexError) as exc:
        if isinstance(exc, InvalidURI):
            raise
        raise InvalidURI(f'Invalid Redis URI: {exc}') from exc


def _parse(uri: str) -> Settings:
    parts = urlsplit(uri)
    scheme = parts.scheme.lower()
    if scheme not in ('redis', 'rediss', 'unix', 'redis+sentinel',
                      'redis+cluster', 'rediss+cluster'):
        raise InvalidURI(f'Unsupported Redis URI scheme {scheme!r}')
    query = parse_qs(parts.query)
    userinfo, _, hostlist = parts.netloc.rpartition('@')
    username, password = _credentials(userinfo)
    if query.get('password'):
        password = query['password'][-1]
    db_values = query.get('dbid') or query.get('db')
    db = int(db_values[-1]) if db_values else None
    path = unquote(parts.path)
    common: dict[str, Any] = {
        'username': username,
        'password': password,
        'socket_timeout': _float(query, 'socket_timeout',
                                 DEFAULT_SOCKET_TIMEOUT),
        'socket_connect_timeout': _float(query, 'socket_connect_timeout',
                                         DEFAULT_CONNECT_TIMEOUT),
        'max_connections': (int(query['max_connections'][-1])
                            if query.get('max_connections') else None),
        'ssl_options': tuple((k, query[k][-1]) for k in _SSL_PARAMS
                             if query.get(k)),
        'wait_replicas': int(_float(query, 'wait_replicas', 0)),
        'wait_timeout': int(_float(query, 'wait_timeout',
                                   DEFAULT_WAIT_TIMEOUT)),
    }
    master = query['master'][-1] if query.get('master') else None

    if scheme.endswith('+cluster'):
        hosts = _split_hosts(hostlist, DEFAULT_PORT)
        if not hosts:
            raise InvalidURI('A cluster URI needs at least one host')
        if db or path.strip('/') not in ('', '0'):
            raise InvalidURI('Redis Cluster has only database 0')
        return Settings(kind='cluster', hosts=tuple(hosts),
                        ssl=scheme.startswith('rediss'), **common)

    if scheme == 'unix' or (scheme == 'redis' and not hostlist):
        if not path:
            raise InvalidURI('A unix socket URI needs a path')
        return Settings(kind='unix', path=path, db=db or 0, **common)

    if scheme == 'redis+sentinel' or master:
        segments = [s for s in path.split('/') if s]
        if not master:
            if not segments:
                raise InvalidURI('A sentinel URI needs the master name '
                                 'as its path')
            master = segments.pop(0)
        if db is None and segments:
            db = int(segments[0])
        hosts = _split_hosts(hostlist, DEFAULT_SENTINEL_PORT)
        if not hosts:
            raise InvalidURI('A sentinel URI needs at least one host')
        return Settings(kind='sentinel', hosts=tuple(hosts), db=db or 0,
                        master=master,
                        sentinel_password=(query['sentinel_password'][-1]
                                           if query.get('sentinel_password')
                                           else None),
                        ssl=scheme == 'rediss', **common)

    hosts = _split_hosts(hostlist, DEFAULT_PORT)
    if len(hosts) != 1:
        raise InvalidURI('A redis:// URI names exactly one host (use '
                         'redis+sentinel:// for several)')
    if db is None and path.strip('/'):
        db = int(path.strip('/'))
    return Settings(kind='tcp', hosts=tuple(hosts), db=db or 0,
                    ssl=scheme == 'rediss', **common)


def make_client(settings: Settings) -> redis.Redis:
    """A pooled redis-py client (never connects until first used)."""
    kwargs: dict[str, Any] = {
        'db': settings.db,
        'username': settings.username,
        'password': settings.password,
        'socket_timeout': settings.socket_timeout,
        'socket_connect_timeout': settings.socket_connect_timeout,
        'socket_keepalive': True,
        # One attempt per call: resilience.Executor decides about retries.
        'retry': redis_retry.Retry(redis_backoff.NoBackoff(), 0),
    }
    if settings.max_connections:
        kwargs['max_connections'] = settings.max_connections
    if settings.ssl:
        kwargs['ssl'] = True
        kwargs.update(dict(settings.ssl_options))
    if settings.kind == 'unix':
        kwargs.pop('socket_connect_timeout')
        return redis.Redis(unix_socket_path=settings.path, **kwargs)
    if settings.kind == 'sentinel':
        sentinel_kwargs = {
            'socket_timeout': settings.socket_timeout,
            'socket_connect_timeout': settings.socket_connect_timeout,
            'password': settings.sentinel_password,
        }
        manager = redis_sentinel.Sentinel(list(settings.hosts),
                                          sentinel_kwargs=sentinel_kwargs,
                                          **kwargs)
        return manager.master_for(settings.master)
    host, port = settings.hosts[0]
    return redis.Redis(host=host, port=port, **kwargs)
