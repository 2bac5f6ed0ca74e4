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

"""Storage exceptions; the API layer maps each to one HTTP/WebSocket answer."""


class StorageError(Exception):
    """Base class of every error a driver raises on purpose."""


class StorageUnavailable(StorageError):
    """The backend cannot be reached or failed unexpectedly (answered 503)."""


class QueueDoesNotExist(StorageError):
    def __init__(self, name: str, project: str):
        super().__init__(f'Queue {name} does not exist for project {project}')
        self.name = name
        self.project = project


class MessageDoesNotExist(StorageError):
    def __init__(self, message_id: str, queue: str, project: str):
        super().__init__(f'Message {message_id} does not exist in queue '
                         f'{queue} for project {project}')
        self.message_id = message_id


class ClaimDoesNotExist(StorageError):
    def __init__(self, claim_id: str, queue: str, project: str):
        super().__init__(f'Claim {claim_id} does not exist in queue '
                         f'{queue} for project {project}')
        self.claim_id = claim_id


class MessageIsClaimed(StorageError):
    """Delete without a claim id of a message that is claimed (403)."""

    def __init__(self, message_id: str):
        super().__init__(f'Message {message_id} is claimed')
        self.message_id = message_id


class MessageNotClaimed(StorageError):
    """A claim id was given but the message is not claimed (400)."""

    def __init__(self, message_id: str):
        super().__init__(f'Message {message_id} is not claimed')
        self.message_id = message_id


class MessageNotClaimedBy(StorageError):
    """The message is claimed by another live claim than the given one (403)."""

    def __init__(self, message_id: str, claim_id: str):
        super().__init__(f'Message {message_id} is not claimed by {claim_id}')
        self.message_id = message_id
        self.claim_id = claim_id


class SubscriptionDoesNotExist(StorageError):
    def __init__(self, subscription_id: str):
        super().__init__(f'Subscription {subscription_id} does not exist')
        self.subscription_id = subscription_id


class SubscriptionAlreadyExists(StorageError):
    """Same project + queue + subscriber URI already subscribed (409)."""
