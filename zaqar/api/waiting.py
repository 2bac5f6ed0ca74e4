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

"""Long polling (``wait``) for listing and claiming messages.

``until_found`` runs an operation's look at the queue and, while it finds
nothing, waits for the queue's signal (``DataDriver.signals``) up to
``wait`` seconds, then looks once more. The waiter subscribes *before*
each look, so a post landing between the look and the wait wakes it.

What wakes a waiter: a post to the queue (``message_post``), the release
of a claim on it (``claim_delete``) and a delete (``message_delete``,
``message_delete_many``: the next message of a FIFO group becomes
claimable), from any API process (see each driver's signals for how far a
signal reaches). Messages that become
visible without an action (a delay or a claim running out, a dead-letter
move) do not signal: the waiter sees them when its wait ends.

Under zaqar-server the wait is handed back to the event loop
(``zaqar.serving.parking``); elsewhere it blocks the request thread.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Callable

from zaqar.api import validation
from zaqar.serving import parking

LOG = logging.getLogger(__name__)

def until_found(svc, ctx, queue_name: str, wait: int | None,
                look: Callable[[], Any], found: Callable[[Any], bool]) -> Any:
    """``look()`` until ``found(result)`` or ``wait`` seconds have passed."""
    wait = validation.wait_seconds(wait)
    if not wait:
        return look()
    slot = parking.current()
    if slot is not None and slot.deadline is not None:
        deadline = slot.deadline  # a re-run: the first run's deadline
    else:
        deadline = time.monotonic() + wait
    signals = svc.storage.signals
    while deadline > time.monotonic():
        waiter = signals.subscribe(queue_name, project=ctx.project_id)
        try:
            result = look()
        except BaseException:
            waiter.close()
            raise
        if found(result):
            waiter.close()
            return result
        if slot is not None:
            slot.park(waiter, deadline)
            return result
        with waiter:
            waiter.wait(deadline - time.monotonic())
    return look()


def signal_hook(svc):
    """An ``after_action`` hook waking the waiters of a queue posted to."""
    def hook(action: str, ctx, params: dict, result, spec) -> None:
        # A post, a released claim, a delete (which makes the next
        # message of a FIFO group claimable): Action.wakes_queue.
        if spec.wakes_queue:
            svc.storage.signals.notify(params['queue_name'],
                                       project=ctx.project_id)
    return hook
