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

import jsonschema

from zaqar.api import schema_check
from zaqar.common import errors
from zaqar.schemas import claims as schema_claims
from zaqar.schemas import common as schemas_common

Request = schemas_common.Request

QUEUE_NAME = re.compile(r'^[a-zA-Z0-9_\-.]+$')
# Fixed limits (not configurable).
QUEUE_NAME_MAX = 64
PROJECT_ID_MAX = 256
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
        raise errors.ProjectIdTooLong(maximum=PROJECT_ID_MAX)
    if project and _CONTROL.search(project):
        raise errors.ProjectIdInvalid()


def queue_identification(name: str, project: str | None,
                         kind: str = 'queue') -> None:
    if (len(name) > QUEUE_NAME_MAX or not QUEUE_NAME.match(name)
            or (project is not None and len(project) > PROJECT_ID_MAX)):
        raise errors.InvalidName(kind=kind)


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
        raise errors.ClientIdRequired()
    mode = limits.client_id_uuid_safe
    if mode == 'strict':
        if not _is_uuid(value):
            raise errors.ClientIdNotUUID()
    elif mode == 'off':
        if not (limits.min_length_client_id <= len(value)
                <= limits.max_length_client_id):
            raise errors.ClientIdLength(
                minimum=limits.min_length_client_id,
                maximum=limits.max_length_client_id)
    return value


def _integer(checker, value) -> bool:
    """JSON integers only: not booleans, not 60.0."""
    return isinstance(value, int) and not isinstance(value, bool)


# The reference validator: words refusals of schemas without ``x-error``
# (rare: admin bodies), and the tests compare schema_check with it.
Validator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator,
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine(
        'integer', _integer))
# Schemas are built once per limits object and kept (zaqar.schemas
# common.per_limits), so their compiled checks are too, by identity.
_COMPILED: dict[int, tuple[dict, schema_check.Check]] = {}


def compiled(schema: dict) -> schema_check.Check:
    found = _COMPILED.get(id(schema))
    if found is None or found[0] is not schema:
        found = (schema, schema_check.compile_schema(schema))
        _COMPILED[id(schema)] = found
    return found[1]


_JSON_TYPES = ((bool, 'boolean'), (int, 'integer'), (float, 'number'),
               (str, 'string'), (list, 'array'), (dict, 'object'),
               (type(None), 'null'))


def json_type(value: Any) -> str:
    for python, name in _JSON_TYPES:
        if isinstance(value, python):
            return name
    return 'object'


def error_name(keyword: str, chain: tuple, value: Any) -> str | None:
    """The errors class the deepest ``x-error`` on the failing rule's
    chain names for this keyword (``"<keyword>:<json type>"`` first)."""
    keys = (f'{keyword}:{json_type(value)}', keyword)
    for node in reversed(chain):
        spec = node.get('x-error')
        if isinstance(spec, str):
            return spec
        if isinstance(spec, dict):
            for key in keys:
                if key in spec:
                    return spec[key]
    return None


def _first(rule: dict, *keys: str) -> Any:
    for key in keys:
        if key in rule:
            return rule[key]
    return None


def refusal(schema: dict, instance: Any, field: str | None = None,
            **data: Any) -> errors.APIError | None:
    """The API error for the first rule of ``schema`` that ``instance``
    breaks (rules are checked in the order the schema lists them), or
    None when it satisfies them all.

    The wording gets the rule's bounds, the field's name, the rule's
    ``x-fields`` and ``data`` (what only the caller knows, such as ids).
    """
    failure = compiled(schema)(instance, ())
    if failure is None:
        return None
    keyword, chain, value, where = failure
    name = error_name(keyword, chain, value)
    if name is None:
        error = next(iter(Validator(schema).iter_errors(instance)), None)
        return errors.InvalidBody(error.message if error is not None
                                  else 'Document type not supported.')
    rule = chain[-1]
    path = [p for p in where if isinstance(p, str)]
    fields = {
        'field': path[-1] if path else field,
        'minimum': _first(rule, 'minimum', 'minItems', 'minLength'),
        'maximum': _first(rule, 'maximum', 'maxItems', 'maxLength'),
        'value': value}
    fields.update(rule.get('x-fields', {}))
    fields.update(data)
    return getattr(errors, name)(**fields)


def check(schema: dict, instance: Any, field: str | None = None,
          **data: Any) -> Any:
    """Raise the API error for the first rule ``instance`` breaks."""
    error = refusal(schema, instance, field, **data)
    if error is not None:
        raise error
    return instance


def query(request: Request | None, params: dict) -> None:
    """Check an action's query parameters (those given) against its
    request schema."""
    if request is None:
        return
    for name, schema in request.query.items():
        value = params.get(name)
        if value is not None:
            check(schema, value, name)


def page_limit(limit: int, maximum: int, queues: bool = False) -> None:
    """``limit`` within 1..maximum (for callers outside dispatch)."""
    check(schemas_common.page_limit(
        maximum, 'QueuePageLimit' if queues else 'PageLimit'), limit,
        'limit')


def wait_seconds(wait: Any) -> int:
    """The ``wait`` of a list or claim (absent: 0, no waiting); the rule
    is zaqar.schemas.common.wait, which dispatch has already applied to
    requests."""
    if wait is None:
        return 0
    check(schemas_common.wait(), wait, 'wait')
    return wait


def claim_fields(doc: Any, limits: Limits, *, check_grace: bool = True
                 ) -> tuple[int, int]:
    """(ttl, grace) of a claim create/update body, defaults applied."""
    build = schema_claims.create if check_grace else schema_claims.update
    check(build(limits), doc)
    doc = doc or {}
    return (doc.get('ttl', limits.default_claim_ttl),
            doc.get('grace', limits.default_claim_grace))
