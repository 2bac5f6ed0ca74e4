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

"""Operation results and errors as WebSocket response documents."""

from __future__ import annotations

from typing import Any

from zaqar.common import errors
from zaqar.storage import errors as storage_errors
from zaqar.storage import models
from zaqar.transport import documents

API = 'v2'


def echo(request: Any) -> dict:
    """The request as the response repeats it (also for undecodable ones)."""
    if not isinstance(request, dict):
        request = {}
    return {'action': request.get('action'), 'body': request.get('body', {}),
            'headers': request.get('headers'), 'api': API}


def response(request: Any, status: int, body: Any) -> dict:
    return {'request': echo(request), 'body': body,
            'headers': {'status': status}}


def message(msg: models.Message) -> dict:
    """A message as WebSocket reads show it (no href: there is no URL)."""
    item = {'id': msg.id, 'claim_id': msg.claim_id, 'ttl': msg.ttl,
            'age': msg.age, 'body': msg.body}
    if msg.checksum:
        item['checksum'] = msg.checksum
    if msg.dedup_id is not None:
        item['dedup_id'] = msg.dedup_id
    if msg.group is not None:
        item['group'] = msg.group
    return item


def messages(found: list[models.Message]) -> list[dict]:
    return [message(m) for m in found]


def stats(result: models.QueueStats, queue_name: str) -> dict:
    """The same document HTTP serves for a queue's stats."""
    return documents.stats(result, f'/v2/queues/{queue_name}')


def iso(epoch: float) -> str:
    return documents.iso(epoch)


def _not_found_summary(cause: BaseException | None,
                       params: dict) -> str | None:
    """The short sentence WebSocket clients get under "error" for a 404."""
    if isinstance(cause, storage_errors.ClaimDoesNotExist):
        return f'Claim {cause.claim_id} does not exist.'
    if isinstance(cause, storage_errors.MessageDoesNotExist):
        return f'Message {cause.message_id} does not exist.'
    if isinstance(cause, storage_errors.SubscriptionDoesNotExist):
        return (f'Subscription {cause.subscription_id} for queue '
                f'{params.get("queue_name")} does not exist.')
    if isinstance(cause, storage_errors.QueueDoesNotExist):
        return f'Queue {cause.name} does not exist.'
    return None


# Validation failures: "error" is null, the message is under "exception".
_VALIDATION = (errors.BadRequest, errors.InvalidBody, errors.InvalidParameter,
               errors.InvalidHeader, errors.MissingHeader)


def api_error(exc: errors.APIError, params: dict) -> dict:
    """``{"exception": <detail>, "error": <summary or null>}``.

    Validation failures carry their message as ``exception`` and a null
    ``error``; a 404 carries the storage wording as ``exception`` and a
    one-sentence ``error``; everything else carries the API's description
    as ``error`` and, when a storage exception caused it and it is not a
    service failure (whose text may name servers), that exception's text.
    """
    text = exc.description or exc.title
    if isinstance(exc, errors.TooManyRequests):
        # A limit: the HTTP body, and the retry hint the header carries.
        return {**exc.to_dict(), 'error': text,
                'retry_after': exc.retry_after}
    if isinstance(exc, _VALIDATION) and exc.status == 400:
        return {'exception': text, 'error': None}
    cause = exc.__cause__ or exc.__context__
    if exc.status == 404:
        return {'exception': text,
                'error': _not_found_summary(cause, params) or text}
    if (isinstance(cause, storage_errors.StorageError)
            and not isinstance(cause, storage_errors.StorageUnavailable)):
        return {'exception': str(cause), 'error': text}
    return {'exception': exc.title, 'error': text}
