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

"""Messages handed to oslo.messaging servers, and how they are settled.

A claimed request stays claimed while it runs: it is deleted only once
answered (``reply``), so a server that dies mid-request leaves it to
another server when the claim expires (at-least-once). ``acknowledge`` is
therefore a no-op for requests; notifications are deleted on acknowledge.
``requeue`` posts the body again and deletes the claimed copy, leaving the
rest of its claim untouched.
"""

from __future__ import annotations

import logging

from oslo_messaging._drivers import base
from oslo_messaging._drivers import common as rpc_common

from zaqar.agent import envelope
from zaqar.agent.http import Message

LOG = logging.getLogger(__name__)
# Attempts for a reply or a delete before giving up (the server may be
# restarting; the caller times out otherwise).
SETTLE_RETRIES = 20


class _Claimed:
    """What settling a claimed message needs."""

    def __init__(self, driver, queue: str, message: Message, keeper=None):
        self._driver = driver
        self._queue = queue
        self._message = message
        self._keeper = keeper

    def _delete(self) -> None:
        if self._message.claim_id is None:  # fanout: read, never claimed
            return
        try:
            self._driver.http.delete(self._queue, self._message.id,
                                     self._message.claim_id,
                                     retry=SETTLE_RETRIES)
        except Exception as exc:
            LOG.error('Cannot delete message %s from %s: %s',
                      self._message.id, self._queue, exc)
        finally:
            if self._keeper is not None:
                self._keeper.settled(self._message.claim_id)

    def _requeue(self) -> None:
        if self._message.claim_id is None:
            return
        try:
            self._driver.http.post(self._queue, [self._message.body],
                                   ttl=max(self._message.ttl, 60),
                                   retry=SETTLE_RETRIES)
        except Exception as exc:
            LOG.error('Cannot requeue message %s to %s: %s (it comes back '
                      'when its claim expires)', self._message.id,
                      self._queue, exc)
            if self._keeper is not None:
                self._keeper.settled(self._message.claim_id)
            return
        self._delete()


class RpcMessage(_Claimed, base.RpcIncomingMessage):
    """A request for an RPC server (call, cast or fanout)."""

    def __init__(self, driver, queue: str, message: Message, keeper=None):
        body = message.body
        _Claimed.__init__(self, driver, queue, message, keeper)
        base.RpcIncomingMessage.__init__(self, body.get('ctxt') or {},
                                         body.get('msg') or {},
                                         body.get('msg_id'))
        self._reply_to = body.get('reply_to')
        self._is_call = bool(body.get('msg_id'))
        # The caller's call_monitor_timeout: oslo.messaging then calls
        # heartbeat() every half of it while the method runs.
        self.client_timeout = body.get('monitor')

    def acknowledge(self):
        """Kept claimed until answered (see the module docstring)."""

    def _to_caller(self, body: dict, retry: int) -> None:
        try:
            self._driver.http.post(self._reply_to['queue'], [body], ttl=60,
                                   grant=self._reply_to.get('grant'),
                                   retry=retry)
        except Exception as exc:
            LOG.error('Cannot send a %s to %s for call %s: %s',
                      body['kind'], self._reply_to.get('queue'),
                      self.msg_id, exc)

    def reply(self, reply=None, failure=None):
        if self._is_call and self._reply_to:
            if failure is not None:
                failure = rpc_common.serialize_remote_exception(failure)
            self._to_caller(envelope.reply(self.msg_id, reply, failure),
                            SETTLE_RETRIES)
        self._delete()

    def heartbeat(self):
        """Tell a caller using call_monitor_timeout that we still work on
        it (the claim itself is held by the listener's keeper)."""
        if self._is_call and self._reply_to:
            self._to_caller(envelope.heartbeat(self.msg_id), 2)

    def requeue(self):
        self._requeue()


class NotificationMessage(_Claimed, base.IncomingMessage):
    """A notification for a listener (its pool's copy)."""

    def __init__(self, driver, queue: str, message: Message, keeper=None):
        body = message.body
        _Claimed.__init__(self, driver, queue, message, keeper)
        base.IncomingMessage.__init__(self, body.get('ctxt') or {},
                                      body.get('msg') or {})

    def acknowledge(self):
        self._delete()

    def requeue(self):
        self._requeue()
