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

"""Key layout: every key of a project shares one Redis Cluster hash slot.

::

    zq:projects                         SET   projects with queues (gc index)
    zq:{#<project>}:queues              ZSET  queue names, all scores 0
    zq:{#<project>}:q:<queue>:<suffix>  one key per suffix in QUEUE_SUFFIXES
    zq:{#<project>}:q:<queue>:t:<tok>   short-lived retry token of a call
    zq:{outbox}:<suffix>                the notification outbox (lib.lua)
    zq:{outbox}:pdue:<project>          one project's due deliveries
    zq:{outbox}:pend:<project>:<queue>  one queue's unsettled deliveries
    zq:{outbox}:state:<project>:<queue> delivery state per subscription

Topics (``scope=TOPIC``) are a namespace of their own next to the
project's queues, in the same hash slot::

    zq:{#<project>}:topics              ZSET  topic names, all scores 0
    zq:{#<project>}:tp:<topic>:<suffix> rec and the subscription keys
    zq:{outbox}:tpend:<project>:<topic> one topic's unsettled deliveries
    zq:{outbox}:tstate:<project>:<topic> delivery state per subscription

A topic's deliveries share the project's ``pdue`` with its queues' (a
worker leases one project's deliveries in one call) and carry
``'topic'`` as the tenth field of their record. Old deployments kept
topics under the hidden project "\\n" + project; migration.py converts
them.

Besides the outbox (below), the only key outside a project's slot is
``zq:projects``, which a script touches when it creates a queue.

The hash tag is the project, not the queue, because a message post creates
the queue's entry in the project index and a claim may move messages to a
dead-letter queue of the same project: both are single-slot scripts this
way. ``scripts/lib.lua`` documents what each suffix holds.

The outbox is shared by every project (workers lease from all of them in
due order), so it has a hash tag of its own: a post to a queue with live
subscriptions, a queue delete and a subscription delete touch both slots,
which a single Redis server (or a Sentinel-managed master) allows; on
Redis Cluster the outbox would have to be split per project.

On Redis Cluster (:class:`ClusterLayout`) the project index and the
outbox move into the project's own slot: ``zq:{#<project>}:known`` stands
for ``zq:projects`` and ``zq:{#<project>}:ob:`` for ``zq:{outbox}:``, so
every script touches exactly one slot. What is lost is the cross-project
view; the driver rebuilds it (cluster_index.py).

The project is escaped (``%``, ``{``, ``}``) so that it always forms the
hash tag; queue names cannot contain ``:`` (the API validates them) and
suffixes never do, so a queue's key set cannot collide with another's.
"""

from __future__ import annotations

import functools

from zaqar.storage import scope as scopes

#: The global index of projects that have (or recently had) queues.
PROJECTS = 'zq:projects'

#: Per-queue keys, in the order of the standard KEYS layout of the scripts.
QUEUE_SUFFIXES = ('rec', 'msgs', 'bodies', 'ids', 'exp', 'avail', 'delayed',
                  'claimed', 'claims', 'cexp')
SUBSCRIPTION_SUFFIXES = ('subs', 'suburi', 'subexp')


#: Every outbox key starts with this.
OUTBOX_PREFIX = 'zq:{outbox}:'
OUTBOX_DUE = OUTBOX_PREFIX + 'due'
OUTBOX_RECORDS = OUTBOX_PREFIX + 'dlv'
OUTBOX_PAYLOADS = OUTBOX_PREFIX + 'body'
OUTBOX_SEQ = OUTBOX_PREFIX + 'seq'


def escape(project: str) -> str:
    return (project.replace('%', '%25').replace('{', '%7B')
            .replace('}', '%7D'))


@functools.lru_cache(maxsize=4096)
def project_prefix(project: str) -> str:
    """``zq:{#<project>}:``: the start of every key of the project."""
    return f'zq:{{#{escape(project)}}}:'


def queue_index(project: str, kind: str = scopes.QUEUE) -> str:
    """The project's sorted set of queue (or topic) names."""
    return project_prefix(project) + (
        'topics' if kind == scopes.TOPIC else 'queues')


def queues_prefix(project: str, kind: str = scopes.QUEUE) -> str:
    """What a queue (topic) name is appended to (scripts derive keys
    from it)."""
    return project_prefix(project) + ('tp:' if kind == scopes.TOPIC
                                      else 'q:')


def outbox_kind(kind: str) -> str:
    """What the outbox's pend and state keys of a topic start with ('t';
    scripts/lib.lua derives the same from a delivery's record)."""
    return 't' if kind == scopes.TOPIC else ''


@functools.lru_cache(maxsize=4096)
def queue_keys(project: str, queue: str,
               kind: str = scopes.QUEUE) -> tuple[str, ...]:
    """The standard KEYS of a queue script (see scripts/lib.lua)."""
    base = f'{queues_prefix(project, kind)}{queue}:'
    return (*(base + s for s in QUEUE_SUFFIXES), queue_index(project, kind),
            *(base + s for s in SUBSCRIPTION_SUFFIXES), PROJECTS)


def subscription_keys(project: str, queue: str,
                      kind: str = scopes.QUEUE) -> tuple[str, str, str]:
    """(subs, suburi, subexp) of a queue."""
    keys = queue_keys(project, queue, kind)
    return keys[11], keys[12], keys[13]


def token_key(project: str, queue: str, token: str) -> str:
    """Where a call remembers it ran, so its retry does not run it twice."""
    return f'{queues_prefix(project)}{queue}:t:{token}'


def project_due(project: str) -> str:
    """The project's own due index in the outbox (queues and topics)."""
    return f'{OUTBOX_PREFIX}pdue:{escape(project)}'


def outbox_state(project: str, queue: str,
                 kind: str = scopes.QUEUE) -> str:
    """Delivery state (secret, trust, failures) per subscription."""
    return f'{OUTBOX_PREFIX}{outbox_kind(kind)}state:{escape(project)}:{queue}'


@functools.lru_cache(maxsize=4096)
def outbox_keys(project: str, queue: str,
                kind: str = scopes.QUEUE) -> tuple[str, ...]:
    """The outbox KEYS of a queue script: pend, state, dlv, body, due,
    pdue, seq (see scripts/lib.lua)."""
    return (f'{OUTBOX_PREFIX}{outbox_kind(kind)}pend:{escape(project)}:'
            f'{queue}',
            outbox_state(project, queue, kind), OUTBOX_RECORDS,
            OUTBOX_PAYLOADS, OUTBOX_DUE, project_due(project), OUTBOX_SEQ)


def unescape(escaped: str) -> str:
    return (escaped.replace('%7D', '}').replace('%7B', '{')
            .replace('%25', '%'))


class Layout:
    """The single-server layout above (also Sentinel); the driver calls
    these instead of the module functions so that a cluster can differ."""

    cluster = False
    escape = staticmethod(escape)
    queue_index = staticmethod(queue_index)
    queues_prefix = staticmethod(queues_prefix)
    token_key = staticmethod(token_key)

    def projects(self, project: str) -> str:
        """Where a script records that the project has queues."""
        return PROJECTS

    def outbox_prefix(self, project: str) -> str:
        return OUTBOX_PREFIX

    def queue_keys(self, project: str, queue: str,
                   kind: str = scopes.QUEUE) -> tuple[str, ...]:
        return queue_keys(project, queue, kind)

    def subscription_keys(self, project: str, queue: str,
                          kind: str = scopes.QUEUE) -> tuple[str, str, str]:
        return subscription_keys(project, queue, kind)

    def outbox_keys(self, project: str, queue: str,
                    kind: str = scopes.QUEUE) -> tuple[str, ...]:
        return outbox_keys(project, queue, kind)

    def outbox_state(self, project: str, queue: str,
                     kind: str = scopes.QUEUE) -> str:
        return outbox_state(project, queue, kind)

    def project_due(self, project: str) -> str:
        return project_due(project)

    def outbox_shared(self, project: str) -> tuple[str, str, str]:
        """(dlv, body, due) of the outbox holding the project's deliveries."""
        prefix = self.outbox_prefix(project)
        return prefix + 'dlv', prefix + 'body', prefix + 'due'


class ClusterLayout(Layout):
    """Redis Cluster: the project index and outbox in the project's slot."""

    cluster = True

    def projects(self, project: str) -> str:
        return project_prefix(project) + 'known'

    def outbox_prefix(self, project: str) -> str:
        return project_prefix(project) + 'ob:'

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one per driver
    def queue_keys(self, project: str, queue: str,
                   kind: str = scopes.QUEUE) -> tuple[str, ...]:
        return (*queue_keys(project, queue, kind)[:-1],
                self.projects(project))

    def subscription_keys(self, project: str, queue: str,
                          kind: str = scopes.QUEUE) -> tuple[str, str, str]:
        keys = self.queue_keys(project, queue, kind)
        return keys[11], keys[12], keys[13]

    def outbox_state(self, project: str, queue: str,
                     kind: str = scopes.QUEUE) -> str:
        return (f'{self.outbox_prefix(project)}{outbox_kind(kind)}state:'
                f'{escape(project)}:{queue}')

    def project_due(self, project: str) -> str:
        return f'{self.outbox_prefix(project)}pdue:{escape(project)}'

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one per driver
    def outbox_keys(self, project: str, queue: str,
                    kind: str = scopes.QUEUE) -> tuple[str, ...]:
        prefix = self.outbox_prefix(project)
        return (f'{prefix}{outbox_kind(kind)}pend:{escape(project)}:{queue}',
                self.outbox_state(project, queue, kind), prefix + 'dlv',
                prefix + 'body', prefix + 'due', self.project_due(project),
                prefix + 'seq')


#: Where notifier workers find the projects with deliveries on a cluster.
CLUSTER_ACTIVE = 'zq:{outbox}:active'
