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

Topics are their own scope in storage. Every driver keeps a project's
topics (and their subscriptions and pending deliveries) apart from its
queues under the storage project ``topic_project(project)``; the scope is
derived here, in one place, so the API layer, the delivery pipeline and
the drivers never spell the encoding themselves. The marker is a line
feed, which no project id can carry (``zaqar.api.validation`` refuses
control characters in project ids on every transport).
"""

from __future__ import annotations

QUEUE = 'queue'
TOPIC = 'topic'

# Prefix of the storage project holding a project's topics.
_TOPIC_MARKER = '\n'


def topic_project(project: str) -> str:
    """The storage project of ``project``'s topics."""
    return _TOPIC_MARKER + (project or '')


def split(storage_project: str) -> tuple[str, str]:
    """(the owning project, QUEUE or TOPIC) of a stored record."""
    if storage_project and storage_project.startswith(_TOPIC_MARKER):
        return storage_project[len(_TOPIC_MARKER):], TOPIC
    return storage_project, QUEUE


def collection(kind: str) -> str:
    """The URL collection of a kind (``queues`` or ``topics``)."""
    return 'topics' if kind == TOPIC else 'queues'
