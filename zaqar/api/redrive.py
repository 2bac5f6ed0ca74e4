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

"""Redrive: move a dead-letter queue's messages back, as a background task.

``POST /v2/queues/{q}/redrive`` starts a task (202 with its ``Location``),
``GET .../redrive/{id}`` shows it, ``DELETE`` cancels it. Decisions:

* **Default destination.** Without ``destination`` the task moves the
  messages to *the queue that dead-letters into* ``q``: the project's queue
  whose metadata names ``q`` as ``_dead_letter_queue`` (read when the task
  is created; the drivers' dead-lettering code is not touched). No such
  queue, or several, is a 400 asking for an explicit ``destination``.
* **What moves.** Messages a consumer could claim now: a message under a
  live claim (its consumer may still delete it) or still delayed stays in
  the dead-letter queue. Moved messages keep their body and expiry, get a
  new id (derived from the old one, see ``redrive_tasks.copy_id``) and
  start over with a claim count of 0 (else the first claim would
  dead-letter them again). Messages are taken from the newest backwards
  and each batch is placed ahead of the destination's waiting messages, so
  the destination serves them in their dead-letter order before what it
  already held; ``max_messages`` thus moves the newest N.
* **Exactly once**, also across restarts: see ``zaqar.api.redrive_tasks``.
* **Task state** lives in the message store (``redrive_tasks``), so every
  driver and pooling keep it with no code of their own; the runner
  (``redrive_worker``) runs in every API process, and a lease on the task
  lets exactly one of them work on it at a time.
* **One unfinished task per queue**: a second POST while one runs is 409.
* States: ``pending``, ``running``, ``done``, ``cancelled``, ``failed``
  (ten storage errors in a row; ``last_error`` says which). Cancelling a
  finished task changes nothing. Finished tasks are kept three days.
"""

from __future__ import annotations

import re
from typing import Any

from zaqar.api import redrive_tasks, validation
from zaqar.api.payload import Payload
from zaqar.common import errors
from zaqar.schemas import redrive as redrive_schema

# Keys a redrive request may carry.
VALID_KEYS = frozenset(('destination', 'max_messages', 'rate'))
# Largest max_messages one task takes, and largest rate (messages per
# second); the request schema says the same.
MAX_MESSAGES = redrive_schema.MAX_MESSAGES
MAX_RATE = redrive_schema.MAX_RATE
TASK_ID = re.compile(r'^[0-9a-f]{32}$')


class TaskDoesNotExist(errors.NotFound):
    def __init__(self, task_id: str, queue: str):
        super().__init__(f'Redrive task {task_id} of queue {queue} does not '
                         f'exist.')


def redrive_create(svc, ctx, queue_name: str, payload: Payload) -> dict:
    """Start moving ``queue_name``'s messages; return the task as GET
    shows it. Raises BadRequest/InvalidBody, NotFound (no such queue),
    Conflict (a task of the queue is unfinished)."""
    doc = payload.parse_optional(default={})
    if not isinstance(doc, dict):
        raise errors.InvalidBody('Document type not supported.')
    unknown = sorted(set(doc) - VALID_KEYS)
    if unknown:
        raise errors.BadRequest(f'Unknown keys: {", ".join(unknown)}.')
    max_messages = (_max_messages(doc['max_messages'])
                    if 'max_messages' in doc else None)
    rate = _rate(doc['rate']) if 'rate' in doc else None
    project = ctx.project_id
    if not svc.queues.exists(queue_name, project=project):
        raise errors.NotFound(f'Queue {queue_name} does not exist.')
    if 'destination' in doc:
        destination = doc['destination']
        _check_destination(destination, queue_name, project)
    else:
        destination = _dead_lettering_queue(svc, project, queue_name)
    task = redrive_tasks.new_task(project, queue_name, destination,
                                  max_messages, rate)
    store = redrive_tasks.TaskStore(svc.storage)
    if not store.create(task):
        raise errors.Conflict(f'Queue {queue_name} has an unfinished redrive '
                              f'task; cancel it or wait for it to end.')
    runner = getattr(svc, 'redrive_runner', None)
    if runner is not None:
        runner.wake()
    return redrive_tasks.describe(task, redrive_tasks.remaining(
        svc.storage, task))


def redrive_get(svc, ctx, queue_name: str, redrive_id: str) -> dict:
    task = _task(svc, ctx, queue_name, redrive_id)
    state = task.state
    store = redrive_tasks.TaskStore(svc.storage)
    if state not in redrive_tasks.TERMINAL and store.cancel_requested(
            task.id):
        # The runner stops before its next batch; what moved stays moved.
        task.state = redrive_tasks.CANCELLED
    return redrive_tasks.describe(task, redrive_tasks.remaining(
        svc.storage, task))


def redrive_cancel(svc, ctx, queue_name: str, redrive_id: str) -> None:
    """Ask the task to stop (idempotent; a finished task stays as it is)."""
    task = _task(svc, ctx, queue_name, redrive_id)
    if task.state in redrive_tasks.TERMINAL:
        return
    store = redrive_tasks.TaskStore(svc.storage)
    if not store.cancel_requested(task.id):
        store.request_cancel(task)


def _task(svc, ctx, queue_name: str, redrive_id: str):
    """The caller's task, or 404 (another project's looks the same)."""
    if TASK_ID.match(redrive_id or ''):
        task = redrive_tasks.TaskStore(svc.storage).load(redrive_id)
        if (task is not None and task.project == ctx.project_id
                and task.queue == queue_name):
            return task
    raise TaskDoesNotExist(redrive_id, queue_name)


def _max_messages(value: Any) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # JSON Schema's integer
    if (isinstance(value, bool) or not isinstance(value, int)
            or not 1 <= value <= MAX_MESSAGES):
        raise errors.BadRequest(f'max_messages must be an integer from 1 to '
                                f'{MAX_MESSAGES}.')
    return value


def _rate(value: Any) -> float:
    if (isinstance(value, bool) or not isinstance(value, (int, float))
            or not 0 < value <= MAX_RATE):
        raise errors.BadRequest(f'rate must be a number of messages per '
                                f'second above 0 and at most {MAX_RATE}.')
    return value


def _check_destination(destination: Any, queue_name: str,
                       project: str) -> None:
    if not isinstance(destination, str):
        raise errors.BadRequest('destination must be a queue name.')
    validation.queue_identification(destination, project)
    if destination == queue_name:
        raise errors.BadRequest('destination must differ from the queue '
                                'being redriven.')


def _dead_lettering_queue(svc, project: str, queue_name: str) -> str:
    """The one queue of the project whose dead letters go to
    ``queue_name`` (400 when there is none, or several)."""
    found: list[str] = []
    marker = None
    while True:
        page, marker = svc.queues.list(project=project, marker=marker,
                                       limit=100, detailed=True)
        found += [q.name for q in page if q.name != queue_name
                  and (q.metadata or {}).get('_dead_letter_queue')
                  == queue_name]
        if len(page) < 100:
            break
    if len(found) == 1:
        return found[0]
    if not found:
        raise errors.BadRequest(f'No queue names {queue_name} as its '
                                f'_dead_letter_queue; give a destination.')
    raise errors.BadRequest(f'Several queues dead-letter into {queue_name} '
                            f'({", ".join(found[:5])}); give a '
                            f'destination.')
