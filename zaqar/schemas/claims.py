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

"""Claims: create/renew documents and the claim representation."""

from __future__ import annotations

from zaqar.schemas import common, messages

MIN_TTL = 60
MIN_GRACE = 60


@common.per_limits
def ttl(limits) -> dict:
    return {'type': 'integer', 'minimum': MIN_TTL,
            'maximum': limits.max_claim_ttl,
            'x-error': {'type': 'FieldNotInt', 'minimum': 'ClaimTTL',
                        'maximum': 'ClaimTTL'}}


@common.per_limits
def create(limits) -> dict:
    """Create: null (or no body) counts as {}: the defaults apply."""
    return {
        'type': ['object', 'null'],
        'properties': {
            'ttl': ttl(limits),
            'grace': {'type': 'integer', 'minimum': MIN_GRACE,
                      'maximum': limits.max_claim_grace,
                      'x-error': {'type': 'FieldNotInt',
                                  'minimum': 'ClaimGrace',
                                  'maximum': 'ClaimGrace'}},
        },
        'x-error': {'type': 'DocumentType'},
    }


@common.per_limits
def update(limits) -> dict:
    """Renewal: the ttl is range-checked, the grace only not negative."""
    return {
        'type': ['object', 'null'],
        'properties': {
            'ttl': ttl(limits),
            'grace': {'type': 'integer', 'minimum': 0,
                      'x-error': {'type': 'FieldNotInt',
                                  'minimum': 'ClaimGraceNegative'}},
        },
        'x-error': {'type': 'DocumentType'},
    }


CREATE = create(common.DEFAULTS)
UPDATE = update(common.DEFAULTS)

CREATE_RESPONSE = {
    'type': 'object',
    'required': ['messages'],
    'properties': {
        'messages': {'type': 'array', 'items': messages.MESSAGE,
                     'minItems': 1},
    },
    'additionalProperties': False,
}

CLAIM = {
    'type': 'object',
    'required': ['age', 'ttl', 'messages', 'href'],
    'properties': {
        'age': common.SECONDS,
        'ttl': {'type': 'integer', 'minimum': 0},
        'messages': {'type': 'array', 'items': messages.MESSAGE},
        'href': common.HREF,
    },
    'additionalProperties': False,
}

SCHEMAS = {
    'CREATE': CREATE,
    'UPDATE': UPDATE,
    'CREATE_RESPONSE': CREATE_RESPONSE,
    'CLAIM': CLAIM,
}
