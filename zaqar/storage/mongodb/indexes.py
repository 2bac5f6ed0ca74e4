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

"""Every collection the driver uses, its document shape and its indexes.

This is the one place indexes are declared; ``ensure_indexes`` creates them
when the driver first talks to a database. All documents carry ``project``
and are always queried with it, so tenants never see each other.

``queues``: ``project``, ``scope`` (``queue`` or ``topic``), ``name``,
``metadata`` (JSON text), ``counter`` (last marker handed out to a
message of the queue), ``created``.

``messages``: ``_id`` (ObjectId: the message id), ``project``, ``queue``,
``marker`` (per-queue, increasing in post order), ``body`` (JSON text),
``ttl`` (lifetime in seconds counted from ``created``), ``created``,
``expires``, ``visible_at`` (end of the delay), ``client`` (poster's
Client-ID), ``claim_id``, ``claim_expires`` (EPOCH when unclaimed),
``claim_count``, ``checksum``; ``dedup_id`` and ``group`` only when the
message was posted with them.

``dedup``: ``_id`` (``dedup_key``: project, queue and dedup_id in one
string, so the primary key settles concurrent posts of one dedup_id),
``project``, ``queue``, ``message`` (the id first posted with it),
``state`` (``pending`` while its poster stores the message, ``done`` once
stored; missing means done), ``lease`` (while pending: when a retry may
presume the poster dead), ``expires`` (end of the queue's _dedup_window).
The protocol is described in messages.py.

``claims``: ``_id`` (the claim id), ``project``, ``queue``, ``ttl``,
``created`` (creation or last renewal), ``expires``.

``subscriptions``: ``_id`` (the subscription id), ``project``, ``scope``,
``queue``,
``subscriber``, ``ttl``, ``created`` (creation or last ttl change),
``expires``, ``options`` (JSON text), ``confirmed``.

Each ``expires`` has a TTL index as a garbage-collection backstop only:
queries filter on it themselves, since sweeps run about once a minute.
"""

from __future__ import annotations

from pymongo import ASCENDING, IndexModel
from pymongo.database import Database

QUEUES = 'queues'
MESSAGES = 'messages'
CLAIMS = 'claims'
SUBSCRIPTIONS = 'subscriptions'
DEDUP = 'dedup'


def dedup_key(project: str, queue: str, dedup_id: str) -> str:
    """The ``dedup`` _id: unambiguous (queue names hold no ':')."""
    return f'{len(project)}:{project}:{queue}:{dedup_id}'


def _ttl(name: str) -> IndexModel:
    return IndexModel([('expires', ASCENDING)], name=name,
                      expireAfterSeconds=0)


INDEXES: dict[str, list[IndexModel]] = {
    QUEUES: [
        # Lookups by name and listing sorted by name.
        # ``scope``: what the record is, a queue or a topic.
        IndexModel([('project', ASCENDING), ('scope', ASCENDING),
                    ('name', ASCENDING)],
                   name='queue_scope_name', unique=True),
    ],
    MESSAGES: [
        # FIFO listing, claiming and popping: scan a queue in marker order.
        # Unique so two messages can never share a position.
        IndexModel([('project', ASCENDING), ('queue', ASCENDING),
                    ('marker', ASCENDING)],
                   name='queue_marker', unique=True),
        # Messages of one claim (get, renew, release, delete with claim).
        IndexModel([('project', ASCENDING), ('queue', ASCENDING),
                    ('claim_id', ASCENDING)],
                   name='queue_claim'),
        # FIFO groups: is there an older live message of this group?
        IndexModel([('project', ASCENDING), ('queue', ASCENDING),
                    ('group', ASCENDING), ('marker', ASCENDING)],
                   name='queue_group'),
        _ttl('message_ttl'),
    ],
    DEDUP: [
        IndexModel([('project', ASCENDING), ('queue', ASCENDING)],
                   name='dedup_queue'),
        _ttl('dedup_ttl'),
    ],
    CLAIMS: [
        IndexModel([('project', ASCENDING), ('queue', ASCENDING)],
                   name='claim_queue'),
        _ttl('claim_ttl'),
    ],
    SUBSCRIPTIONS: [
        # One subscription per project + scope + queue + subscriber URI.
        IndexModel([('project', ASCENDING), ('scope', ASCENDING),
                    ('queue', ASCENDING), ('subscriber', ASCENDING)],
                   name='subscription_scope_subscriber', unique=True),
        # Listing ordered by id.
        IndexModel([('project', ASCENDING), ('scope', ASCENDING),
                    ('queue', ASCENDING), ('_id', ASCENDING)],
                   name='subscription_scope_list'),
        _ttl('subscription_ttl'),
    ],
}


#: Where one-time layout changes record that they ran.
META = 'zaqar_meta'
_TOPIC_SCOPE_DONE = 'topic_scope'
# Indexes of the layout before topics had a scope of their own.
_OLD_INDEXES = {QUEUES: ('queue_name',),
                SUBSCRIPTIONS: ('subscription_subscriber',
                                'subscription_list'),
                'deliveries': ('delivery_queue',)}
_SCOPED = (QUEUES, SUBSCRIPTIONS, 'deliveries')
_HIDDEN = '\n'


def migrate_topic_scope(database: Database) -> int:
    """Give records a ``scope``; move topics stored under the hidden
    project ("\\n" + project) into the topic scope of the project itself.

    Idempotent and safe to rerun after an interruption: it drops the old
    indexes (the new ones are created after it), marks every step by the
    data itself, and records that it finished in ``zaqar_meta``.
    :returns: how many topic documents it moved.
    """
    meta = database[META]
    if meta.find_one({'_id': _TOPIC_SCOPE_DONE}) is not None:
        return 0
    for collection, names in _OLD_INDEXES.items():
        present = database[collection].index_information()
        for name in names:
            if name in present:
                database[collection].drop_index(name)
    moved = 0
    for collection in _SCOPED:
        col = database[collection]
        for document in list(col.find(
                {'project': {'$regex': '^' + _HIDDEN}},
                projection={'project': True})):
            col.update_one({'_id': document['_id']}, {'$set': {
                'project': document['project'][len(_HIDDEN):],
                'scope': 'topic'}})
            moved += 1
        col.update_many({'scope': {'$exists': False}},
                        {'$set': {'scope': 'queue'}})
    meta.update_one({'_id': _TOPIC_SCOPE_DONE}, {'$set': {'done': True}},
                    upsert=True)
    return moved


def ensure_indexes(database: Database) -> None:
    """Create every declared index (a no-op for those already there),
    after bringing an older layout up to date."""
    migrate_topic_scope(database)
    for collection, models in INDEXES.items():
        database[collection].create_indexes(models)
