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

"""Flavors (admin): create/update documents and representations."""

from __future__ import annotations

from zaqar.schemas import common

CAPABILITIES = ['FIFO', 'CLAIMS', 'DURABILITY', 'AOD', 'HIGH_THROUGHPUT']

CREATE = {
    'type': 'object',
    'required': ['pool_list'],
    'properties': {
        'pool_list': {'type': 'array', 'items': {'type': 'string'}},
        'capabilities': {'type': 'object'},
    },
    'additionalProperties': False,
}

UPDATE = {
    'type': 'object',
    'required': ['pool_list'],
    'properties': {
        'pool_list': {'type': 'array', 'items': {'type': 'string'}},
        'capabilities': {'type': 'object'},
    },
    'additionalProperties': False,
}

FLAVOR = {
    'type': 'object',
    'required': ['name', 'pool_list', 'href'],
    'properties': {
        'name': {'type': 'string'},
        'pool_list': {'type': 'array', 'items': {'type': 'string'}},
        'capabilities': {'type': 'array', 'items': {'enum': CAPABILITIES}},
        'href': common.HREF,
    },
}

LIST = {
    'type': 'object',
    'required': ['links', 'flavors'],
    'properties': {
        'links': common.LINKS,
        'flavors': {'type': 'array', 'items': FLAVOR},
    },
    'additionalProperties': False,
}

SCHEMAS = {'CREATE': CREATE, 'UPDATE': UPDATE, 'FLAVOR': FLAVOR,
           'LIST': LIST}
