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

"""What a guest needs, as signed URLs: exactly its queues and methods.

A guest serving RPC topic ``T`` as server ``S`` (exchange ``E``) gets:

* on its server queue and on the topic queue: ``claims`` with POST (claim),
  PATCH (hold a claim during long calls) and DELETE (release), and
  ``messages`` with DELETE (remove an answered request);
* on the fanout queue: ``messages`` with GET (read by marker);
* optionally (``calls``): a reply queue of its own, ``messages`` with DELETE
  (take replies); the control plane answers there with its own credentials;
* optionally, ``messages`` with POST on the topic queues it may cast/call
  to, and on the notification queues it may notify.

It needs nothing to answer calls: each call carries a signed URL for the
caller's reply queue (see ``envelope``).
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from urllib.parse import urlsplit

from zaqar.agent import naming, options

# Where the cloud-init snippet puts the guest's signed URLs.
DEFAULT_PATH = '/etc/zaqar-agent/signed-urls.json'
# Default lifetime of a guest's signed URLs.
DEFAULT_LIFETIME = datetime.timedelta(days=30)
_CLAIMER = (('claims', ('DELETE', 'PATCH', 'POST')),
            ('messages', ('DELETE',)))


@dataclasses.dataclass
class Guest:
    topic: str
    server: str
    exchange: str = 'openstack'
    calls: bool = False
    send_topics: tuple[str, ...] = ()
    notify_topics: tuple[str, ...] = ()

    def reply_queue(self) -> str:
        return naming.reply_queue(f'guest.{self.exchange}.{self.topic}.'
                                  f'{self.server}')

    def grants(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """(queue, sub-collection, methods) for every signed URL needed."""
        grants = []
        for queue in (naming.server_queue(self.exchange, self.topic,
                                          self.server),
                      naming.topic_queue(self.exchange, self.topic)):
            grants += [(queue, path, methods) for path, methods in _CLAIMER]
        grants.append((naming.fanout_queue(self.exchange, self.topic),
                       'messages', ('GET',)))
        if self.calls:
            # GET: the reply reader long polls, then deletes what it read.
            grants.append((self.reply_queue(), 'messages', ('DELETE', 'GET')))
        for topic in self.send_topics:
            grants.append((naming.topic_queue(self.exchange, topic),
                           'messages', ('POST',)))
        for topic in self.notify_topics:
            grants.append((naming.notification_queue(self.exchange, topic),
                           'messages', ('POST',)))
        return grants


def sign_all(http, guest: Guest, expires: datetime.datetime) -> dict:
    """Ask the server for every signed URL ``guest`` needs; the set doc."""
    when = expires.strftime('%Y-%m-%dT%H:%M:%S')
    urls = [http.share(queue, [path], list(methods), when, retry=3)
            for queue, path, methods in guest.grants()]
    return {'project': urls[0]['project'], 'expires': when,
            'reply_queue': guest.reply_queue() if guest.calls else None,
            'guest': dataclasses.asdict(guest), 'urls': urls}


def transport_urls(endpoint: str, doc: dict,
                   path: str = DEFAULT_PATH) -> dict:
    """The guest's transport_url: naming the file, or with the set inline."""
    parts = urlsplit(endpoint)
    scheme = 'zaqar+https' if parts.scheme == 'https' else 'zaqar'
    base = f'{scheme}://{parts.hostname}:{parts.port or 8888}/'
    return {'file': f'{base}?signed_urls_file={path}',
            'inline': f'{base}?signed_urls={options.encode_inline(doc)}'}


def user_data(doc: dict, transport_url: str,
              path: str = DEFAULT_PATH) -> str:
    """A cloud-config that writes the signed URLs and the transport URL.

    Strings are JSON-quoted, which YAML reads as double-quoted scalars.
    """
    conf_path = path.rsplit('/', 1)[0] + '/transport_url'
    return '\n'.join((
        '#cloud-config',
        'write_files:',
        f'  - path: {json.dumps(path)}',
        "    permissions: '0600'",
        f'    content: {json.dumps(json.dumps(doc, indent=1) + chr(10))}',
        f'  - path: {json.dumps(conf_path)}',
        "    permissions: '0644'",
        f'    content: {json.dumps(transport_url + chr(10))}',
        ''))
