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

"""Lifecycle event payloads built from successful actions."""

from __future__ import annotations

import unittest

from zaqar.api import context, subscriptions
from zaqar.api.payload import Payload
from zaqar.notification import events
from zaqar.storage import models


class Recorder:
    def __init__(self):
        self.sent = []

    def info(self, ctxt, event_type, payload):
        self.sent.append((ctxt, event_type, payload))


class EmitterTest(unittest.TestCase):

    def setUp(self):
        self.recorder = Recorder()
        self.emitter = events.Emitter(self.recorder)
        self.ctx = context.RequestContext(project_id='p1', client_id='c',
                                          auth_token='tok')

    def done(self, action, params, result):
        self.emitter.action_done(action, self.ctx, params, result)
        self.assertTrue(self.emitter.flush())
        return self.recorder.sent

    def test_disabled_without_a_notifier(self):
        emitter = events.Emitter()
        self.assertFalse(emitter.enabled)
        emitter.action_done('queue_delete', self.ctx, {'queue_name': 'q'},
                            None)

    def test_queue_create_only_when_created(self):
        params = {'queue_name': 'q', 'payload': Payload(b'{"a": 1}')}
        self.assertEqual([], self.done('queue_create', params, False))
        ((ctxt, event_type, payload),) = self.done('queue_create', params,
                                                   True)
        self.assertEqual('queue.create', event_type)
        self.assertEqual(events.payload('QueuePayload', {
            'project_id': 'p1', 'queue_name': 'q', 'metadata': {'a': 1}}),
            payload)
        self.assertIsNone(ctxt.auth_token)

    def test_subscriber_url_loses_credentials_and_query(self):
        params = {'queue_name': 'q', 'payload': Payload(
            b'{"subscriber": "https://u:p@h.example:8443/x?token=1#f"}')}
        ((_, event_type, payload),) = self.done(
            'subscription_create', params, subscriptions.Created('s1', 'k'))
        self.assertEqual('subscription.create', event_type)
        self.assertEqual('https://h.example:8443/x',
                         payload['zaqar_object.data']['subscriber'])

    def test_claims_and_posts(self):
        message = models.Message('m1', 1, 60, 0, 0.0)
        self.assertEqual([], self.done('claim_create', {'queue_name': 'q'},
                                       (None, [])))
        ((_, event_type, payload),) = self.done(
            'claim_create', {'queue_name': 'q'}, ('c1', [message]))
        self.assertEqual(('claim.create', 'c1', ['m1']),
                         (event_type, payload['zaqar_object.data']['claim_id'],
                          payload['zaqar_object.data']['message_ids']))
        self.done('message_post', {'queue_name': 'q'}, ['a', 'b'])
        self.assertEqual(['a', 'b'], self.recorder.sent[-1][2][
            'zaqar_object.data']['message_ids'])

    def test_actions_without_events_send_nothing(self):
        self.assertEqual([], self.done('message_list', {'queue_name': 'q'},
                                       ([], None)))

    def test_a_failing_bus_is_counted_not_raised(self):
        class Broken:
            def info(self, *args):
                raise RuntimeError('bus down')
        emitter = events.Emitter(Broken())
        emitter.action_done('queue_delete', self.ctx, {'queue_name': 'q'},
                            None)
        self.assertTrue(emitter.flush())
        self.assertEqual(1, emitter.dropped)
