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

"""Pools (admin): registration/update documents and representations."""

from __future__ import annotations

from zaqar.schemas import common

_PROPERTIES = {
    'weight': {'type': 'integer', 'minimum': 0, 'maximum': 2 ** 32 - 1},
    'uri': {'type': 'string', 'minLength': 1, 'maxLength': 255},
    'flavor': {'type': ['string', 'null'], 'maxLength': 255},
    'options': {'type': 'object'},
}

CREATE = {
    'type': 'object',
    'required': ['weight', 'uri'],
    'properties': _PROPERTIES,
    'additionalProperties': False,
}

UPDATE = {
    'type': 'object',
    'minProperties': 1,
    'properties': _PROPERTIES,
    'additionalProperties': False,
}

POOL = {
    'type': 'object',
    'required': ['name', 'uri', 'weight', 'href'],
    'properties': {
        'name': {'type': 'string'},
        'uri': {'type': 'string'},
        'weight': {'type': 'integer'},
        'flavor': {'type': ['string', 'null']},
        'href': common.HREF,
        'options': {'type': 'object'},
    },
}

LIST = {
    'type': 'object',
    'required': ['links', 'pools'],
    'properties': {
        'links': common.LINKS,
        'pools': {'type': 'array', 'items': POOL},
    },
    'additionalProperties': False,
}

SCHEMAS = {'CREATE': CREATE, 'UPDATE': UPDATE, 'POOL': POOL, 'LIST': LIST}
