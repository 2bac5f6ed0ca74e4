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

"""The message bodies the driver writes into Zaqar queues.

Every body is a JSON object with ``v`` (format version, 1) and ``kind``:

* ``request``: ``ctxt``, ``msg`` and, for a call, ``msg_id``, ``timeout``
  (seconds the caller waits) and ``reply_to`` (``queue`` and, when the
  caller shared its reply queue, ``grant``: a signed URL allowing a POST
  of messages there, so a guest may answer without other credentials),
  and ``monitor``, the caller's ``call_monitor_timeout``, when it has one;
* ``reply``: ``msg_id``, ``result`` or ``failure`` (oslo.messaging's
  serialized remote exception);
* ``heartbeat``: ``msg_id``: the call is still running (call monitor);
* ``notification``: ``ctxt`` and ``msg``;
* ``pool``: a notification listener pool announcing itself (``pool``).
"""

from __future__ import annotations

import json

from oslo_serialization import jsonutils

VERSION = 1


def primitive(value):
    """What oslo.messaging's JSON encoding makes of ``value``."""
    return json.loads(jsonutils.dumps(value))


def request(ctxt, msg, msg_id=None, reply_to=None, timeout=None,
            monitor=None) -> dict:
    body = {'v': VERSION, 'kind': 'request', 'ctxt': primitive(ctxt),
            'msg': primitive(msg)}
    if msg_id:
        body.update(msg_id=msg_id, reply_to=reply_to, timeout=timeout)
        if monitor:
            body['monitor'] = monitor
    return body


def heartbeat(msg_id: str) -> dict:
    return {'v': VERSION, 'kind': 'heartbeat', 'msg_id': msg_id}


def reply(msg_id: str, result=None, failure: str | None = None) -> dict:
    return {'v': VERSION, 'kind': 'reply', 'msg_id': msg_id,
            'result': primitive(result), 'failure': failure}


def notification(ctxt, msg) -> dict:
    return {'v': VERSION, 'kind': 'notification', 'ctxt': primitive(ctxt),
            'msg': primitive(msg)}


def pool(name: str) -> dict:
    return {'v': VERSION, 'kind': 'pool', 'pool': name}


def kind_of(body) -> str | None:
    if isinstance(body, dict) and body.get('v') == VERSION:
        return body.get('kind')
    return None
