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

"""Health (admin probe), the versions document and the home document."""

from __future__ import annotations

_STEP = {
    'type': 'object',
    'required': ['succeeded', 'seconds', 'ref'],
    'properties': {
        'succeeded': {'type': 'boolean'},
        'seconds': {'type': 'number', 'minimum': 0},
        'ref': {'type': ['string', 'null']},
    },
    'additionalProperties': False,
}

_PROBE = {
    'type': 'object',
    'required': ['storage_reachable'],
    'properties': {
        'storage_reachable': {'type': 'boolean'},
        'operation_status': {'type': 'object',
                             'additionalProperties': _STEP},
    },
    'additionalProperties': False,
}

# With pooling: the management store's reachability, the probe through the
# router, and each pool's own probe by pool name.
HEALTH = {
    **_PROBE,
    'properties': {
        **_PROBE['properties'],
        'pools': {'type': 'object', 'additionalProperties': _PROBE},
    },
}

VERSIONS = {
    'type': 'object',
    'required': ['versions'],
    'properties': {
        'versions': {
            'type': 'array',
            'items': {
                'type': 'object',
                'required': ['id', 'status', 'links'],
                'properties': {
                    'id': {'type': 'string'},
                    'status': {'enum': ['CURRENT', 'SUPPORTED',
                                        'DEPRECATED']},
                    'updated': {'type': 'string'},
                    'media-types': {'type': 'array'},
                    'links': {'type': 'array'},
                },
            },
        },
    },
}

HOME = {
    'type': 'object',
    'required': ['resources'],
    'properties': {
        'resources': {
            'type': 'object',
            'additionalProperties': {
                'type': 'object',
                'required': ['hints'],
                'properties': {
                    'href': {'type': 'string'},
                    'href-template': {'type': 'string'},
                    'href-vars': {'type': 'object'},
                    'hints': {'type': 'object'},
                },
            },
        },
    },
}

SCHEMAS = {'HEALTH': HEALTH, 'VERSIONS': VERSIONS, 'HOME': HOME}
