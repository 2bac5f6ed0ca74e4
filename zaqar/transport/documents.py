"""JSON documents both transports serve the same way (stats, time stamps)."""

from __future__ import annotations

import datetime
from typing import Any

from zaqar.storage import models


def iso(epoch: float) -> str:
    return datetime.datetime.fromtimestamp(
        epoch, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def stats(result: models.QueueStats, base: str) -> dict:
    counts: dict[str, Any] = {'claimed': result.claimed, 'free': result.free,
                              'total': result.total}
    if result.total:
        for key, stamp in (('oldest', result.oldest),
                           ('newest', result.newest)):
            if stamp is not None:
                counts[key] = {'age': stamp.age, 'created': iso(stamp.created),
                               'href': f'{base}/messages/{stamp.id}'}
    return {'messages': counts}
