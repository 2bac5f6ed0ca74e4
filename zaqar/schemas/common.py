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

import dataclasses
import functools
import types
from typing import Any, Callable

from zaqar.conf import transport


# The [transport] options at their defaults: what the module-level schemas
# (and the OpenAPI document of a default deployment) are built from.
class _Defaults(types.SimpleNamespace):
    __hash__ = object.__hash__


DEFAULTS = _Defaults(**{opt.dest: opt.default for opt in transport.OPTS})


def per_limits(build: Callable[[Any], dict]) -> Callable[[Any], dict]:
    """Build a schema once per limits object (a service keeps one).

    The result is shared: callers must not change it.
    """
    return functools.lru_cache(maxsize=32)(build)


@dataclasses.dataclass(frozen=True)
class Request:
    """What one action accepts: query parameters (by the name the action
    takes them under) and the body document (None: no body)."""

    query: dict = dataclasses.field(default_factory=dict)
    body: dict | None = None


def page_limit(maximum: int, error: str = 'PageLimit') -> dict:
    """``limit`` (or a count) between 1 and a configured maximum; ``error``
    names the zaqar.common.errors class that words a refusal."""
    return {'type': 'integer', 'minimum': 1, 'maximum': maximum,
            'x-error': {'type': 'NotAnInteger', 'minimum': error,
                        'maximum': error}}

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


# Longest long poll (``wait``) in seconds.
MAX_WAIT = 20


def wait() -> dict:
    """``wait``: seconds a list or claim may wait for a message."""
    return _WAIT


_WAIT = {'type': 'integer', 'minimum': 0, 'maximum': MAX_WAIT,
         'x-error': {'type': 'WaitSeconds', 'minimum': 'WaitSeconds',
                     'maximum': 'WaitSeconds'}}
