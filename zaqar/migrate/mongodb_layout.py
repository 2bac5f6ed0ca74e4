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

"""Read the reference's MongoDB layout (message store, management store, or
a MongoDB pool). ``D`` is the configured (or pool option) database name:

* ``D_queues.queues``: ``p_q`` ("project/queue"), ``m`` metadata.
* ``D_messages_p<N>.messages`` (one database per partition): ``p_q``,
  ``k`` post order, ``t`` ttl, ``e`` expiry (datetime), ``c`` claim
  ``{id, e, c}`` (``e`` epoch seconds), ``d`` delay end (epoch), ``b``
  body, ``cs`` checksum.
* ``D_subscriptions.subscriptions``: ``s`` queue, ``p`` project, ``u``
  subscriber, ``t`` ttl, ``e`` expiry (datetime), ``o`` options, ``c``
  confirmed.
* management: ``D.pools`` (``n``, ``u``, ``w``, ``o``, ``f``),
  ``D.flavors`` (``n``, ``c``), ``D.catalogue`` (``p_q``, ``s`` pool).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pymongo

from zaqar.migrate import records


def _epoch(value) -> float:
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.timestamp()
    return float(value or 0)


def _split(p_q: str) -> tuple[str, str]:
    project, _, queue = p_q.partition('/')
    return project, queue


class MongoLayout:
    """One reference MongoDB store (``database`` as it was configured)."""

    def __init__(self, uri: str, database: str = 'zaqar'):
        self.uri = uri
        self.database = database
        self.client = pymongo.MongoClient(uri, tz_aware=False)

    def _message_collections(self) -> list:
        prefix = f'{self.database}_messages_p'
        names = sorted(n for n in self.client.list_database_names()
                       if n.startswith(prefix))
        return [self.client[name].messages for name in names]

    def queues(self) -> Iterator[records.Queue]:
        collection = self.client[f'{self.database}_queues'].queues
        for doc in collection.find({}, sort=[('p_q', 1)]):
            project, queue = _split(doc['p_q'])
            yield records.Queue(project, queue, doc.get('m') or {})

    def messages(self, project: str, queue: str,
                 now: float) -> Iterator[records.Message]:
        found = []
        for collection in self._message_collections():
            found.extend(collection.find({'p_q': f'{project}/{queue}'}))
        for doc in sorted(found, key=lambda d: d.get('k', 0)):
            ttl = records.remaining(_epoch(doc.get('e')), now)
            if ttl <= 0:
                continue
            claim = doc.get('c') or {}
            claim_left = (records.remaining(_epoch(claim.get('e')), now)
                          if claim.get('id') else 0)
            delay_left = records.remaining(_epoch(doc.get('d')), now)
            yield records.Message(
                id=str(doc['_id']), body=doc.get('b'), ttl=ttl,
                hold=max(claim_left, delay_left), claimed=claim_left > 0,
                checksum=doc.get('cs'))

    def subscriptions(self, project: str, queue: str,
                      now: float) -> Iterator[records.Subscription]:
        collection = self.client[
            f'{self.database}_subscriptions'].subscriptions
        for doc in collection.find({'p': project, 's': queue}):
            ttl = records.remaining(_epoch(doc.get('e')), now)
            if ttl <= 0:
                continue
            yield records.Subscription(
                project=project, queue=queue, id=str(doc['_id']),
                subscriber=doc['u'], ttl=ttl, options=doc.get('o') or {},
                confirmed=bool(doc.get('c')))

    def pools(self) -> Iterator[records.Pool]:
        for doc in self.client[self.database].pools.find(sort=[('n', 1)]):
            yield records.Pool(doc['n'], doc['u'], int(doc.get('w', 0)),
                               doc.get('f'), doc.get('o') or {})

    def flavors(self) -> Iterator[records.Flavor]:
        for doc in self.client[self.database].flavors.find(sort=[('n', 1)]):
            caps = doc.get('c')
            yield records.Flavor(doc['n'], caps if isinstance(caps, dict)
                                 else {})

    def placements(self) -> Iterator[records.Placement]:
        for doc in self.client[self.database].catalogue.find():
            if 'p_q' in doc:
                project, queue = _split(doc['p_q'])
            else:
                project, queue = doc.get('p', ''), doc.get('q', '')
            yield records.Placement(project, queue, doc['s'])

    def close(self) -> None:
        self.client.close()
