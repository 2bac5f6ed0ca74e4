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

# Defaults of [transport] max_claim_ttl / max_claim_grace; 60 is fixed.
MIN_TTL = 60
MAX_CLAIM_TTL = 43200
MAX_CLAIM_GRACE = 43200

# null counts as no body: the defaults apply.
CREATE = {
    'type': ['object', 'null'],
    'properties': {
        'ttl': {'type': 'integer', 'minimum': MIN_TTL,
                'maximum': MAX_CLAIM_TTL},
        'grace': {'type': 'integer', 'minimum': MIN_TTL,
                  'maximum': MAX_CLAIM_GRACE},
    },
}

# Renewal: only the ttl is range-checked.
UPDATE = {
    'type': 'object',
    'properties': {
        'ttl': {'type': 'integer', 'minimum': MIN_TTL,
                'maximum': MAX_CLAIM_TTL},
        'grace': {'type': 'integer', 'minimum': 0},
    },
}

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
