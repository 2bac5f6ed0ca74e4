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

"""Which kind of resource a stored record belongs to: a queue or a topic.

Topics are their own scope in storage: every controller method of the
storage contract that names a queue-like record (records and metadata,
subscriptions, deliveries, listings and counts) takes ``scope=QUEUE`` or
``scope=TOPIC`` next to ``project=``, and a topic never meets a queue of
the same name and project. The project id stays exactly what the client
sent.

Each driver keeps the kind apart from the project in its own layout (see
``zaqar.storage.base`` and the contributor guide). Topics used to be kept
under a hidden project made of a line feed and the project; the
``legacy_*`` helpers below spell that encoding for the drivers'
migrations, the pooling catalogue's topic keys and the migrations' tests.
"""

from __future__ import annotations

QUEUE = 'queue'
TOPIC = 'topic'
KINDS = (QUEUE, TOPIC)

# Prefix of the hidden project topics were once stored under.
LEGACY_TOPIC_MARKER = '\n'


def check(kind: str) -> str:
    """``kind`` itself; ValueError for anything but QUEUE or TOPIC."""
    if kind not in KINDS:
        raise ValueError(f'unknown storage scope {kind!r}')
    return kind


def collection(kind: str) -> str:
    """The URL collection of a kind (``queues`` or ``topics``)."""
    return 'topics' if kind == TOPIC else 'queues'


def of(ctx) -> str:
    """The scope a request context works in (QUEUE unless the topic
    operations set ``ctx.scope``)."""
    return getattr(ctx, 'scope', QUEUE)


def legacy_project(project: str) -> str:
    """The hidden project old deployments stored ``project``'s topics under."""
    return LEGACY_TOPIC_MARKER + (project or '')


def legacy_split(storage_project: str) -> tuple[str, str]:
    """(project, QUEUE or TOPIC) of a project as old deployments stored it."""
    if storage_project and storage_project.startswith(LEGACY_TOPIC_MARKER):
        return storage_project[len(LEGACY_TOPIC_MARKER):], TOPIC
    return storage_project, QUEUE
