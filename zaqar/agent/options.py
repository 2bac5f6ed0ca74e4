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

"""Reading a ``zaqar://`` transport URL: endpoint, identity and tuning.

``zaqar://HOST:PORT/?project_id=P`` (auth off), ``zaqar+https://...`` for
TLS. Identity, first match wins:

* ``signed_urls_file=PATH`` or ``signed_urls=<base64url JSON>``: a guest
  holding only signed URLs (the set ``zaqar-agent provision`` renders);
* ``auth_url=...`` with ``USER:PASSWORD@`` in the URL and ``project_name``,
  ``user_domain_name``, ``project_domain_name`` (Keystone password), or
  ``auth_section=GROUP`` naming a keystoneauth1 section of the service's
  configuration file (e.g. ``keystone_authtoken``-style options);
* ``project_id=P``: no authentication (development servers).

Tuning (all optional): ``claim_ttl`` (seconds a server holds a request
before another may take it, 60..), ``prefetch`` (messages per claim),
``long_poll`` (seconds a read or claim may wait on the server for a
message, 0..20, default 10; 0 polls instead, for servers that hold a
worker per waiting request), ``poll_max`` (longest pause between polls of
an idle queue when not long polling, seconds), ``notification_ttl`` and
``cacert``/``insecure`` for TLS.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import uuid

from zaqar.agent import credentials

# The server's smallest claim and message TTL (seconds).
MIN_TTL = 60
# The server's longest ``wait`` (seconds).
MAX_LONG_POLL = 20


@dataclasses.dataclass
class Options:
    endpoint: str
    auth: object
    claim_ttl: int = MIN_TTL
    prefetch: int = 4
    long_poll: int = 10
    poll_max: float = 0.5
    notification_ttl: int = 3600
    verify: bool | str = True
    client_id: str = dataclasses.field(
        default_factory=lambda: str(uuid.uuid4()))


def _query_value(query: dict, name: str, default=None):
    value = query.get(name, default)
    if isinstance(value, list):  # oslo.messaging keeps repeated keys
        value = value[-1]
    return value


def decode_inline(text: str) -> dict:
    """The base64url JSON form of a signed URL set (padding optional)."""
    padded = text + '=' * (-len(text) % 4)
    return json.loads(base64.urlsafe_b64decode(padded.encode('ascii')))


def encode_inline(doc: dict) -> str:
    raw = json.dumps(doc, separators=(',', ':')).encode('utf-8')
    return base64.urlsafe_b64encode(raw).decode('ascii').rstrip('=')


def _keystone(conf, url, query):
    from keystoneauth1 import loading, session
    from keystoneauth1.identity import v3
    section = _query_value(query, 'auth_section')
    if section:
        loading.register_auth_conf_options(conf, section)
        loading.register_session_conf_options(conf, section)
        auth = loading.load_auth_from_conf_options(conf, section)
        sess = loading.load_session_from_conf_options(conf, section,
                                                      auth=auth)
        return credentials.KeystoneAuth(sess)
    host = url.hosts[0]
    auth = v3.Password(
        auth_url=_query_value(query, 'auth_url'),
        username=host.username, password=host.password,
        project_name=_query_value(query, 'project_name'),
        project_id=_query_value(query, 'project_id'),
        user_domain_name=_query_value(query, 'user_domain_name', 'Default'),
        project_domain_name=_query_value(query, 'project_domain_name',
                                         'Default'))
    return credentials.KeystoneAuth(session.Session(auth=auth))


def _auth(conf, url, query):
    path = _query_value(query, 'signed_urls_file')
    if path:
        return credentials.SignedAuth(credentials.SignedURLSet.load(path),
                                      path)
    inline = _query_value(query, 'signed_urls')
    if inline:
        return credentials.SignedAuth(
            credentials.SignedURLSet(decode_inline(inline)))
    if _query_value(query, 'auth_url') or _query_value(query,
                                                       'auth_section'):
        return _keystone(conf, url, query)
    project = _query_value(query, 'project_id')
    if not project:
        raise ValueError('a zaqar:// transport URL needs project_id= (auth '
                         'off), Keystone options or signed URLs')
    return credentials.NoAuth(project)


def from_url(conf, url) -> Options:
    """Options of an oslo.messaging TransportURL (``zaqar[+https]://``)."""
    if not url.hosts:
        raise ValueError('a zaqar:// transport URL needs HOST:PORT')
    scheme = 'https' if url.transport.endswith('+https') else 'http'
    host = url.hosts[0]
    netloc = host.hostname if ':' not in (host.hostname or '') else (
        f'[{host.hostname}]')
    endpoint = f'{scheme}://{netloc}:{host.port or 8888}'
    query = url.query or {}
    verify: bool | str = True
    if _query_value(query, 'insecure', 'false').lower() in ('1', 'true'):
        verify = False
    elif _query_value(query, 'cacert'):
        verify = _query_value(query, 'cacert')
    opts = Options(endpoint=endpoint, auth=_auth(conf, url, query),
                   verify=verify)
    opts.claim_ttl = max(MIN_TTL, int(_query_value(query, 'claim_ttl',
                                                   MIN_TTL)))
    opts.prefetch = max(1, int(_query_value(query, 'prefetch', 4)))
    opts.long_poll = min(MAX_LONG_POLL, max(0, int(_query_value(
        query, 'long_poll', 10))))
    opts.poll_max = float(_query_value(query, 'poll_max', 0.5))
    opts.notification_ttl = max(MIN_TTL, int(_query_value(
        query, 'notification_ttl', 3600)))
    return opts
