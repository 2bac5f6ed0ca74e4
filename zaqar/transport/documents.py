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
