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

"""Request checks shared by every transport, with the reference's exact wording."""

from __future__ import annotations

import functools
import re
import uuid
from typing import Any

from zaqar.common import errors

QUEUE_NAME = re.compile(r'^[a-zA-Z0-9_\-.]+$')
# Fixed limits (not configurable).
QUEUE_NAME_MAX = 64
PROJECT_ID_MAX = 256
MIN_MESSAGE_TTL = 60
MIN_CLAIM_TTL = 60
MIN_CLAIM_GRACE = 60
MIN_SUBSCRIPTION_TTL = 60
# No project id may hold a control character: no HTTP header can carry one,
# so the WebSocket transport refuses them too (the same ids on both).
_CONTROL = re.compile('[\x00-\x1f\x7f]')


class Limits:
    """The [transport] limits, read once from config."""

    def __init__(self, conf):
        t = conf.transport
        self.default_message_ttl = t.default_message_ttl
        self.default_message_delay = t.default_message_delay
        self.default_claim_ttl = t.default_claim_ttl
        self.default_claim_grace = t.default_claim_grace
        self.default_subscription_ttl = t.default_subscription_ttl
        self.max_queues_per_page = t.max_queues_per_page
        self.max_messages_per_page = t.max_messages_per_page
        self.max_subscriptions_per_page = t.max_subscriptions_per_page
        self.max_messages_per_claim_or_pop = t.max_messages_per_claim_or_pop
        self.max_queue_metadata = t.max_queue_metadata
        self.max_messages_post_size = t.max_messages_post_size
        self.max_message_ttl = t.max_message_ttl
        self.max_message_delay = t.max_message_delay
        self.max_claim_ttl = t.max_claim_ttl
        self.max_claim_grace = t.max_claim_grace
        self.subscriber_types = list(t.subscriber_types)
        self.max_flavors_per_page = t.max_flavors_per_page
        self.max_pools_per_page = t.max_pools_per_page
        self.client_id_uuid_safe = t.client_id_uuid_safe
        self.min_length_client_id = t.min_length_client_id
        self.max_length_client_id = t.max_length_client_id
        self.message_delete_with_claim_id = t.message_delete_with_claim_id


def is_int(value: Any) -> bool:
    """JSON integers (bool counts, as Python has it; floats do not)."""
    return isinstance(value, int)


def project_identification(project: str | None) -> None:
    """Refuse project ids no HTTP client could send (other transports),
    and overlong ones on every action (not only those naming a queue)."""
    if project and len(project) > PROJECT_ID_MAX:
        raise errors.BadRequest(
            f'The project id may not be longer than {PROJECT_ID_MAX} '
            f'characters.', title='Invalid project identification')
    if project and _CONTROL.search(project):
        raise errors.BadRequest('The project id is not valid.',
                                title='Invalid project identification')


def queue_identification(name: str, project: str | None,
                         kind: str = 'queue') -> None:
    if (len(name) > QUEUE_NAME_MAX or not QUEUE_NAME.match(name)
            or (project is not None and len(project) > PROJECT_ID_MAX)):
        raise errors.BadRequest(
            f'The format of the submitted {kind} name or project id is not '
            'valid.', title=f'Invalid {kind} identification')


@functools.lru_cache(maxsize=4096)
def _is_uuid(value: str) -> bool:
    """Whether uuid.UUID accepts ``value`` (remembered: a client sends the
    same Client-ID with every request)."""
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def client_id(value: str | None, limits: Limits) -> str:
    """Check the Client-ID header according to client_id_uuid_safe."""
    if value is None:
        raise errors.MissingHeader('The "Client-Id" header is required.')
    mode = limits.client_id_uuid_safe
    if mode == 'strict':
        if not _is_uuid(value):
            raise errors.InvalidHeader('Malformed hexadecimal UUID.',
                                       title='Wrong UUID value')
    elif mode == 'off':
        if not (limits.min_length_client_id <= len(value)
                <= limits.max_length_client_id):
            raise errors.InvalidHeader(
                title=f'Length of client id must be at least '
                      f'{limits.min_length_client_id} and no greater than '
                      f'{limits.max_length_client_id}.')
    return value


def page_limit(limit: int, maximum: int, queues: bool = False) -> None:
    if not 1 <= limit <= maximum:
        verb = 'no greater than' if queues else 'may not be greater than'
        raise errors.BadRequest(f'Limit must be at least 1 and {verb} '
                                f'{maximum}.')


# Longest long poll (``wait``) in seconds.
MAX_WAIT = 20


def wait_seconds(wait: Any) -> int:
    """The ``wait`` of a list or claim (absent: 0, no waiting)."""
    if wait is None:
        return 0
    if isinstance(wait, bool) or not isinstance(wait, int) \
            or not 0 <= wait <= MAX_WAIT:
        raise errors.BadRequest(
            f'The "wait" parameter must be an integer from 0 to '
            f'{MAX_WAIT} (seconds).')
    return wait


def message_ttl(ttl: Any, limits: Limits) -> None:
    if not is_int(ttl):
        raise errors.InvalidBody('The value of the "ttl" field must be a int.')
    if not MIN_MESSAGE_TTL <= ttl <= limits.max_message_ttl:
        raise errors.BadRequest(
            f'The TTL for a message may not exceed {limits.max_message_ttl} '
            f'seconds, and must be at least {MIN_MESSAGE_TTL} seconds long.')


# Longest ``dedup_id`` or ``group`` a message may carry.
MESSAGE_KEY_MAX = 128


def message_key(field: str, value: Any) -> None:
    """A message's ``dedup_id`` or ``group``: 1 to 128 characters."""
    if not isinstance(value, str):
        raise errors.InvalidBody(
            f'The value of the "{field}" field must be a string.')
    if not 1 <= len(value) <= MESSAGE_KEY_MAX:
        raise errors.BadRequest(
            f'The "{field}" of a message must be 1 to {MESSAGE_KEY_MAX} '
            'characters long.')


def message_delay(delay: Any, limits: Limits) -> None:
    if not is_int(delay):
        raise errors.InvalidBody(
            'The value of the "delay" field must be a int.')
    if not 0 <= delay <= limits.max_message_delay:
        raise errors.BadRequest(
            f'The Delay TTL for a message may not exceed '
            f'{limits.max_message_delay} seconds,and must be at least 0 '
            'seconds long.')


def claim_fields(doc: Any, limits: Limits, *, check_grace: bool = True
                 ) -> tuple[int, int]:
    """(ttl, grace) of a claim create/update body, defaults applied."""
    if doc is None:
        doc = {}
    if not isinstance(doc, dict):
        raise errors.InvalidBody('Document type not supported.')
    ttl = doc.get('ttl', limits.default_claim_ttl)
    grace = doc.get('grace', limits.default_claim_grace)
    for field, value in (('ttl', ttl), ('grace', grace)):
        if not is_int(value):
            raise errors.InvalidBody(
                f'The value of the "{field}" field must be a int.')
    if not MIN_CLAIM_TTL <= ttl <= limits.max_claim_ttl:
        raise errors.BadRequest(
            f'The TTL for a claim may not exceed {limits.max_claim_ttl} '
            f'seconds, and must be at least {MIN_CLAIM_TTL} seconds long.')
    if check_grace and not MIN_CLAIM_GRACE <= grace <= limits.max_claim_grace:
        raise errors.BadRequest(
            f'The grace for a claim may not exceed {limits.max_claim_grace} '
            f'seconds, and must be at least {MIN_CLAIM_GRACE} seconds long.')
    if not check_grace and grace < 0:
        raise errors.BadRequest('The grace for a claim must not be negative.')
    return ttl, grace


def claim_limit(limit: int, limits: Limits) -> None:
    page_limit(limit, limits.max_messages_per_claim_or_pop)


def pop_value(pop: int, limits: Limits) -> None:
    maximum = limits.max_messages_per_claim_or_pop
    if not 1 <= pop <= maximum:
        raise errors.BadRequest(f'Pop value must be at least 1 and may not be '
                                f'greater than {maximum}.')
