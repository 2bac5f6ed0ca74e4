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

"""The one mapping from storage and placement exceptions to API errors.

Operations let storage exceptions through; ``actions.dispatch`` turns them
into API errors here, and nowhere else, so every transport answers the
same failure the same way. Where the same exception means something else
for one action (a missing claim while deleting a message is a 400, not a
404) the ``IN_CONTEXT`` table says so.
"""

from __future__ import annotations

import logging

from zaqar.common import errors
from zaqar.storage import control
from zaqar.storage import errors as storage_errors

LOG = logging.getLogger(__name__)

NOT_FOUND = (
    storage_errors.QueueDoesNotExist,
    storage_errors.MessageDoesNotExist,
    storage_errors.ClaimDoesNotExist,
    storage_errors.SubscriptionDoesNotExist,
    control.PoolDoesNotExist,
    control.FlavorDoesNotExist,
)
CONFLICT = (control.PoolAlreadyExists, control.PoolInUse,
            storage_errors.SubscriptionAlreadyExists)
CLAIMED_ELSEWHERE = (storage_errors.MessageIsClaimed,
                     storage_errors.MessageNotClaimedBy)

#: Every exception ``translate`` knows (what dispatch catches).
MAPPED = (control.NoPoolFound, control.PlacementRefused,
          storage_errors.StorageUnavailable, storage_errors.MessageNotClaimed,
          control.PoolInUseByFlavor) + NOT_FOUND + CONFLICT \
    + CLAIMED_ELSEWHERE


def _flavor_pool_missing(exc, action, params) -> errors.APIError:
    return errors.FlavorPoolMissing(name=params.get('flavor_name'),
                                    verb=action.split('_')[-1], error=exc)


# (action, exception) -> the API error it means there.
IN_CONTEXT = {
    ('message_delete', storage_errors.ClaimDoesNotExist):
        lambda exc, action, params: errors.ClaimGone(),
    ('subscription_update', storage_errors.SubscriptionAlreadyExists):
        lambda exc, action, params: errors.SubscriptionExistsOnUpdate(),
    ('topic_subscription_update', storage_errors.SubscriptionAlreadyExists):
        lambda exc, action, params: errors.SubscriptionExistsOnUpdate(),
    ('flavor_create', control.PoolDoesNotExist): _flavor_pool_missing,
    ('flavor_update', control.PoolDoesNotExist): _flavor_pool_missing,
}


def translate(exc: Exception, action: str, failure: str,
              params: dict | None = None) -> errors.APIError:
    """The API error for ``exc`` raised by ``action``.

    :param failure: the action's "<what failed>" wording for 503s.
    :param params: the action's parameters (for wordings naming them).
    """
    for kind in type(exc).__mro__:
        special = IN_CONTEXT.get((action, kind))
        if special is not None:
            return special(exc, action, params or {})
    if isinstance(exc, control.NoPoolFound):
        # Pooling with no pool for the queue: say so (still a 503).
        LOG.warning('%s: %s', action, exc)
        return errors.NoPool(what=failure, why=exc)
    if isinstance(exc, storage_errors.StorageUnavailable):
        LOG.warning('%s: storage unavailable: %s', action, exc)
        return errors.ServiceUnavailable(failure)
    if isinstance(exc, control.PlacementRefused):
        return errors.BadRequest(str(exc))
    if isinstance(exc, NOT_FOUND):
        return errors.NotFound(str(exc))
    if isinstance(exc, CONFLICT):
        return errors.Conflict(str(exc))
    if isinstance(exc, control.PoolInUseByFlavor):
        return errors.UnableToDelete(str(exc), 403)
    if isinstance(exc, CLAIMED_ELSEWHERE):
        return errors.MessageClaimed()
    if isinstance(exc, storage_errors.MessageNotClaimed):
        return errors.MessageNotClaimed()
    raise TypeError(f'no API error for {type(exc).__name__}')
