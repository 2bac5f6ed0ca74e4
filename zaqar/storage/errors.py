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
