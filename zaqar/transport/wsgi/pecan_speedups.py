"""Per-request costs Pecan pays that this application does not need.

Pecan introspects the controller's signature on every request
(``pecan.core.getargspec`` builds a new namedtuple class each call, ~0.15 ms).
Our controllers are a fixed set of functions, so the answer is cached per
underlying function. Installed once by ``app.make_app``.
"""

from __future__ import annotations

import functools

import pecan.core

_original = pecan.core.getargspec


@functools.lru_cache(maxsize=256)
def _argspec_of(func):
    return _original(func)


def _cached_getargspec(controller):
    func = getattr(controller, '__func__', controller)
    try:
        return _argspec_of(func)
    except TypeError:  # unhashable callable: no caching
        return _original(controller)


def install() -> None:
    pecan.core.getargspec = _cached_getargspec
