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

"""Which hosts a subscriber may make this service talk to.

A webhook subscriber is a URL any project member chooses, and the service
POSTs to it from inside the cloud: left unchecked, that reaches loopback
services, the cloud's private networks and metadata endpoints. So every
destination is resolved (the way the connection itself will be: decimal,
hexadecimal and short IPv4 forms included) and refused when any address it
resolves to is loopback, private, link-local, multicast, reserved or
otherwise not globally routable, unless the operator's
``[notification] destination_allowlist`` names the host or a network that
holds the address. The check runs at subscription time (a 400) and again
right before each connection (see :mod:`zaqar.notification.guarded_http`),
against the very address then connected to, so a name re-pointed after the
subscription (DNS rebinding) gets nowhere.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_DEFAULT_PORTS = {'http': 80, 'https': 443}


class DestinationRefused(ValueError):
    """The destination is not one this service may connect to."""


@dataclasses.dataclass(frozen=True)
class Allowlist:
    """Operator-trusted destinations: host names and networks."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> 'Allowlist':
        """From config entries: CIDRs or addresses, else host names."""
        hosts, networks = set(), []
        for entry in entries:
            entry = entry.strip()
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry.strip('[]'),
                                                     strict=False))
            except ValueError:
                hosts.add(entry.lower().rstrip('.'))
        return cls(frozenset(hosts), tuple(networks))

    def allows_host(self, host: str) -> bool:
        return host.lower().rstrip('.') in self.hosts

    def allows_address(self, address: IPAddress) -> bool:
        return any(address in net for net in self.networks
                   if net.version == address.version)


def _public(address: IPAddress) -> bool:
    """Whether ``address`` is an ordinary, globally routable unicast one."""
    mapped = getattr(address, 'ipv4_mapped', None)
    if mapped is not None:
        address = mapped
    return not (address.is_loopback or address.is_private
                or address.is_link_local or address.is_multicast
                or address.is_reserved or address.is_unspecified
                or not address.is_global)


def refusal(address: IPAddress, allowlist: Allowlist) -> str | None:
    """Why ``address`` may not be connected to (None: it may)."""
    if _public(address) or allowlist.allows_address(address):
        return None
    return (f'{address}, not a public address (an operator can allow it '
            f'with [notification] destination_allowlist)')


def resolve(host: str, port: int) -> list[tuple]:
    """getaddrinfo() answers for a TCP connection to ``host``:``port``."""
    return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)


def checked_addresses(host: str, port: int, allowlist: Allowlist
                      ) -> list[tuple]:
    """getaddrinfo() answers for ``host``, all of them permitted.

    :raises DestinationRefused: any address is refused (one bad answer is
        enough: the connection could go to any of them).
    :raises OSError: the name does not resolve.
    """
    infos = resolve(host, port)
    if allowlist.allows_host(host):
        return infos
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split('%', 1)[0])
        reason = refusal(address, allowlist)
        if reason:
            raise DestinationRefused(f'{host} resolves to {reason}.')
    return infos


def url_host(url: str) -> tuple[str, int]:
    """(host, port) a webhook URL connects to; raises DestinationRefused."""
    parts = urlsplit(url)
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        raise DestinationRefused('The subscriber URL has an invalid port.')
    if not host:
        raise DestinationRefused('The subscriber URL needs a host.')
    return host, port or _DEFAULT_PORTS.get(parts.scheme.lower(), 80)


def mail_host(address: str) -> str | None:
    """The domain of a ``mailto:`` address (None when it has none)."""
    target = urlsplit(address).path if ':' in address else address
    domain = target.rsplit('@', 1)[-1] if '@' in target else ''
    return domain.split('?', 1)[0].strip('[]') or None


def check_subscriber(subscriber: str, allowlist: Allowlist) -> None:
    """Refuse a webhook or mailto subscriber aimed at a refused address.

    A name that does not resolve now is let through (it may exist later);
    each delivery checks again before connecting.

    :raises DestinationRefused: with the reason for the client.
    """
    kind = urlsplit(subscriber).scheme.lower()
    if kind in ('http', 'https'):
        host, port = url_host(subscriber)
    elif kind == 'mailto':
        host, port = mail_host(subscriber), 25
        if host is None:
            return
        if host.lower().startswith('ipv6:'):
            host = host[5:]
    else:
        return
    try:
        checked_addresses(host, port, allowlist)
    except (OSError, UnicodeError):
        return
