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

"""Signed URLs: the share request and the signed answer."""

from __future__ import annotations

PATHS = ['messages', 'subscriptions', 'claims']
METHODS = ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'DELETE', 'PATCH']

REQUEST = {
    'type': 'object',
    'properties': {
        'paths': {'type': 'array', 'items': {'enum': PATHS}},
        'methods': {'type': 'array', 'items': {'enum': METHODS}},
        'expires': {'type': 'string',
                    'pattern': r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d'},
    },
    'additionalProperties': False,
}

RESPONSE = {
    'type': 'object',
    'required': ['paths', 'methods', 'project', 'expires', 'signature'],
    'properties': {
        'paths': {'type': 'array', 'items': {'type': 'string',
                                             'pattern': '^/v2/queues/'}},
        'methods': {'type': 'array', 'items': {'enum': METHODS}},
        'project': {'type': 'string'},
        'expires': {'type': 'string',
                    'pattern': r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$'},
        'signature': {'type': 'string', 'pattern': '^[0-9a-f]{64}$'},
    },
}

SCHEMAS = {'REQUEST': REQUEST, 'RESPONSE': RESPONSE}
