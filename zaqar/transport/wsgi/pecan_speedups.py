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

"""Per-request costs Pecan pays that this application does not need.

Pecan introspects the controller's signature on every request
(``pecan.core.getargspec`` builds a new namedtuple class each call, ~0.15 ms).
Our controllers are a fixed set of functions, so the answer is cached per
underlying function. Installed once by ``app.make_app``.

Pecan's object dispatch also lists every attribute of every controller it
walks through (``dir()``, ~25 µs per level here) to look for custom path
segments, although it only uses that list the first time it meets a
class: :func:`_detect_custom_path_segments` skips classes already seen.

Pecan also parses every JSON body with the lenient ``json`` module to offer
its keys as controller arguments; no controller takes any, and the
operations parse bodies themselves with the strict reader, so
:class:`Request` declines (a deeply nested body used to blow the recursion
limit there, a 500).
"""

from __future__ import annotations

import functools

import pecan.core
import pecan.routing
import webob

_original = pecan.core.getargspec
_original_detect = pecan.routing._detect_custom_path_segments
# Pecan's record of the controller classes it has scanned (the same set).
_observed = getattr(pecan.routing, '__observed_controllers__')


@functools.lru_cache(maxsize=256)
def _argspec_of(func):
    return _original(func)


def _cached_getargspec(controller):
    func = getattr(controller, '__func__', controller)
    try:
        return _argspec_of(func)
    except TypeError:  # unhashable callable: no caching
        return _original(controller)


def _detect_custom_path_segments(obj):
    """Pecan's scan, only for classes it has not scanned yet (its own
    first step, ``set(dir(obj))``, is used by nothing else)."""
    if obj.__class__ in _observed:
        return
    _original_detect(obj)


def install() -> None:
    pecan.core.getargspec = _cached_getargspec
    pecan.routing._detect_custom_path_segments = _detect_custom_path_segments


class Request(webob.Request):
    """A plain WebOb request whose body Pecan does not parse."""

    @property
    def json(self):
        raise ValueError('request bodies are parsed by the operations')

    json_body = json
