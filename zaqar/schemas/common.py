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

"""Fragments shared by the resource schemas (names, links, errors)."""

from __future__ import annotations

# Queue (and topic) names: fixed rules, not configurable.
NAME = {
    'type': 'string',
    'pattern': r'^[a-zA-Z0-9_\-.]+$',
    'minLength': 1,
    'maxLength': 64,
}

HREF = {'type': 'string', 'pattern': '^/v2/'}

LINK = {
    'type': 'object',
    'required': ['rel', 'href'],
    'properties': {
        'rel': {'type': 'string', 'enum': ['next']},
        'href': HREF,
    },
}

LINKS = {'type': 'array', 'items': LINK, 'maxItems': 1}

# Every error body: a title, usually a description.
ERROR = {
    'type': 'object',
    'required': ['title'],
    'properties': {
        'title': {'type': 'string'},
        'description': {'type': 'string'},
    },
}

SECONDS = {'type': 'integer', 'minimum': 0}

OBJECT = {'type': 'object'}

SCHEMAS = {'ERROR': ERROR, 'LINKS': LINKS, 'OBJECT': OBJECT}
