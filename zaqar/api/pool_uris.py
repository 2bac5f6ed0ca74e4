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

"""Which store URIs an admin may register as pools.

A pool URI makes the service open a file or a connection the moment it is
registered: a SQLite path anywhere would create that file with the
service's rights. So SQLite paths must lie under
``[pooling:catalog] sqlite_pool_directory`` (symbolic links resolved), and
networked stores must name hosts of ``pool_host_allowlist`` when the
operator set one.
"""

from __future__ import annotations

import ipaddress
import os
from urllib.parse import unquote, urlsplit

from zaqar.common import errors
from zaqar.conf import paths

_SQLITE = 'sqlite'


def _refuse(uri: str, why: str):
    return errors.PoolURIRefused(why=why)


def _sqlite_file(uri: str) -> str | None:
    """The file a sqlite URI names (None: an in-memory database)."""
    rest = uri.split(':', 1)[1]
    if not rest.startswith('//'):
        return None
    path = unquote(rest[2:].split('?', 1)[0])
    if path.startswith('/'):
        path = path[1:]
    if path in ('', ':memory:'):
        return None
    return path


def _check_sqlite(uri: str, directory: str) -> None:
    path = _sqlite_file(uri)
    if path is None:
        return
    if not os.path.isabs(path):
        raise _refuse(uri, 'a SQLite pool needs an absolute path.')
    root = os.path.realpath(directory)
    real = os.path.realpath(path)
    if os.path.commonpath([root, real]) != root:
        raise _refuse(uri, f'SQLite pools must be files under {root} '
                           f'([pooling:catalog] sqlite_pool_directory).')


def _hosts(uri: str) -> list[str]:
    """Every host a (possibly multi-host) store URI names."""
    netloc = urlsplit(uri).netloc.rsplit('@', 1)[-1]
    hosts = []
    for item in netloc.split(','):
        item = item.strip()
        if item.startswith('['):
            hosts.append(item[1:item.find(']')])
        elif item:
            hosts.append(item.rsplit(':', 1)[0] if item.count(':') == 1
                         else item)
    return hosts


def _host_allowed(host: str, allowlist: list[str]) -> bool:
    for entry in allowlist:
        entry = entry.strip()
        if entry.lower() == host.lower():
            return True
        try:
            if ipaddress.ip_address(host) in ipaddress.ip_network(
                    entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def check(conf, uri: str) -> None:
    """Raise InvalidBody (400) unless ``uri`` may be registered."""
    scheme = urlsplit(uri).scheme.lower().split('+', 1)[0]
    group = conf['pooling:catalog']
    if scheme == _SQLITE:
        _check_sqlite(uri, group.sqlite_pool_directory or paths.data_dir())
        return
    allowlist = group.pool_host_allowlist
    if not allowlist:
        return
    hosts = _hosts(uri)
    if not hosts:
        raise _refuse(uri, 'it names no host.')
    for host in hosts:
        if not _host_allowed(host, allowlist):
            raise _refuse(uri, f'{host} is not in [pooling:catalog] '
                               f'pool_host_allowlist.')
