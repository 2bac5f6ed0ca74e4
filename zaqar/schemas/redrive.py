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

"""Redrive: the request that starts a task, and the task as shown."""

from __future__ import annotations

from zaqar.schemas import common

# Largest max_messages and rate (zaqar.api.redrive checks the same).
MAX_MESSAGES = 1000000
MAX_RATE = 1000
STATES = ['pending', 'running', 'done', 'cancelled', 'failed']

REQUEST = {
    'type': 'object',
    'properties': {
        'destination': common.NAME,
        'max_messages': {'type': 'integer', 'minimum': 1,
                         'maximum': MAX_MESSAGES},
        'rate': {'type': 'number', 'exclusiveMinimum': 0,
                 'maximum': MAX_RATE},
    },
    'additionalProperties': False,
}

_TIME = {'type': ['string', 'null'],
         'pattern': r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$'}

TASK = {
    'type': 'object',
    'required': ['id', 'queue', 'destination', 'state', 'moved',
                 'remaining', 'failures'],
    'properties': {
        'id': {'type': 'string', 'pattern': '^[0-9a-f]{32}$'},
        'queue': {'type': 'string'},
        'destination': {'type': 'string'},
        'state': {'enum': STATES},
        'moved': {'type': 'integer', 'minimum': 0},
        'remaining': {'type': 'integer', 'minimum': 0},
        'failures': {'type': 'integer', 'minimum': 0},
        'max_messages': {'type': ['integer', 'null']},
        'rate': {'type': ['number', 'null']},
        'last_error': {'type': ['string', 'null']},
        'created': _TIME,
        'updated': _TIME,
        'finished': _TIME,
    },
}

SCHEMAS = {'REQUEST': REQUEST, 'TASK': TASK}
