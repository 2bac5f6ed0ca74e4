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

"""The limited resources: their Keystone names, options and retry hints."""

from __future__ import annotations

import dataclasses

UNLIMITED = -1


@dataclasses.dataclass(frozen=True)
class Resource:
    """One limit: its unified-limits resource name and how it reads."""

    # The Keystone registered-limit resource name.
    name: str
    # The [quotas] option giving its value when Keystone has none.
    option: str
    # How the limit reads in an error ("{limit} queues per project").
    unit: str
    # Retry-After seconds for a count limit (rate limits compute theirs).
    retry_after: int


QUEUES = Resource('queues', 'max_queues_per_project',
                  'queues per project', 60)
MESSAGES = Resource('messages_per_queue', 'max_messages_per_queue',
                    'messages per queue', 5)
SUBSCRIPTIONS = Resource('subscriptions_per_queue',
                         'max_subscriptions_per_queue',
                         'subscriptions per queue', 60)
POST_RATE = Resource('message_posts_per_second',
                     'max_message_posts_per_second',
                     'messages posted per second per project', 1)
REQUEST_RATE = Resource('requests_per_second', 'max_requests_per_second',
                        'requests per second per project', 1)

ALL = (QUEUES, MESSAGES, SUBSCRIPTIONS, POST_RATE, REQUEST_RATE)
NAMES = tuple(r.name for r in ALL)


def from_config(group) -> dict[str, int]:
    """Resource name -> limit from a [quotas] option group."""
    return {r.name: getattr(group, r.option) for r in ALL}
