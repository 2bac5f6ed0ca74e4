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

"""OpenStack lifecycle notifications on the machine's RabbitMQ.

A real oslo.messaging notification listener (unique topic per run) hears
what a live server publishes; a second server points at a closed port and
must keep answering while it logs that publishing fails.
"""

from __future__ import annotations

import json
import threading
import time
import uuid

from oslo_config import cfg

from tests import backends
from tests.functional import base
from tests.functional import server as fserver
from tests.functional.test_subscriptions import conf

TOPIC = f'zaqar_test_{uuid.uuid4().hex[:12]}'


class Endpoint:
    """Collects every INFO notification."""

    def __init__(self):
        self.events: list[dict] = []
        self.arrived = threading.Condition()

    def info(self, ctxt, publisher_id, event_type, payload, metadata):
        with self.arrived:
            self.events.append({'context': ctxt, 'publisher': publisher_id,
                                'type': event_type, 'payload': payload})
            self.arrived.notify_all()

    def wait_for(self, event_type: str, count: int = 1,
                 timeout: float = 30.0, queue: str | None = None
                 ) -> list[dict]:
        deadline = time.monotonic() + timeout
        with self.arrived:
            while True:
                found = [e for e in self.events if e['type'] == event_type
                         and (queue is None or e['payload'][
                             'zaqar_object.data']['queue_name'] == queue)]
                left = deadline - time.monotonic()
                if len(found) >= count or left <= 0:
                    return found
                self.arrived.wait(left)


class EventsTest(base.ServerTestCase):

    extra_conf = conf('[oslo_messaging_notifications]',
                      'driver = messagingv2',
                      f'transport_url = {backends.url("rabbit")}',
                      f'topics = {TOPIC}')

    @classmethod
    def setUpClass(cls):
        url = backends.url('rabbit')
        if not backends.reachable(url.replace('rabbit://', 'amqp://')):
            cls.listener = None
            super().setUpClass()
            return
        import oslo_messaging
        transport = oslo_messaging.get_notification_transport(
            cfg.ConfigOpts(), url=url)
        cls.endpoint = Endpoint()
        cls.listener = oslo_messaging.get_notification_listener(
            transport, [oslo_messaging.Target(topic=TOPIC)], [cls.endpoint],
            executor='threading')
        cls.listener.start()
        cls.transport = transport
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        if cls.listener is not None:
            cls.listener.stop()
            cls.listener.wait()
            cls.transport.cleanup()

    def setUp(self):
        super().setUp()
        if self.listener is None:
            backends.unavailable(self, 'rabbit', 'RabbitMQ not reachable')

    def data(self, event: dict) -> dict:
        payload = event['payload']
        self.assertEqual(('zaqar', '1.0'),
                         (payload['zaqar_object.namespace'],
                          payload['zaqar_object.version']))
        return payload['zaqar_object.data']

    def test_lifecycle_events_carry_the_request_context(self):
        queue = f'ev-{uuid.uuid4().hex[:8]}'
        project = self.http.project
        self.assertEqual(201, self.http.put(
            f'/v2/queues/{queue}', json={'k': 1},
            headers={'X-Auth-Token': 'secret-token'}).status_code)
        (event,) = self.endpoint.wait_for('queue.create', queue=queue)
        self.assertEqual({'project_id': project, 'queue_name': queue,
                          'metadata': {'k': 1}}, self.data(event))
        self.assertEqual('QueuePayload',
                         event['payload']['zaqar_object.name'])
        self.assertTrue(event['publisher'].startswith('zaqar.'))
        self.assertEqual(project, event['context'].get('project_id'),
                         event['context'])
        self.assertTrue(event['context']['request_id'].startswith('req-'))
        self.assertNotIn('secret-token', json.dumps(event['context']))

        resp = self.http.post(f'/v2/queues/{queue}/messages', json={
            'messages': [{'body': i} for i in range(3)]})
        ids = [h.rsplit('/', 1)[1] for h in resp.json()['resources']]
        (event,) = self.endpoint.wait_for('message.post', queue=queue)
        self.assertEqual(ids, self.data(event)['message_ids'])

        resp = self.http.post(f'/v2/queues/{queue}/claims?limit=2')
        claim_id = resp.headers['Location'].rsplit('/', 1)[1]
        (event,) = self.endpoint.wait_for('claim.create', queue=queue)
        self.assertEqual((claim_id, ids[:2]),
                         (self.data(event)['claim_id'],
                          self.data(event)['message_ids']))

        resp = self.http.post(f'/v2/queues/{queue}/subscriptions', json={
            'subscriber': 'http://user:pw@127.0.0.1:9/hook?token=x'})
        sub_id = resp.json()['subscription_id']
        (event,) = self.endpoint.wait_for('subscription.create', queue=queue)
        self.assertEqual({'project_id': project, 'queue_name': queue,
                          'subscription_id': sub_id,
                          'subscriber': 'http://127.0.0.1:9/hook'},
                         self.data(event))
        self.http.delete(f'/v2/queues/{queue}/subscriptions/{sub_id}')
        (event,) = self.endpoint.wait_for('subscription.delete', queue=queue)
        self.assertEqual(sub_id, self.data(event)['subscription_id'])

        self.http.patch(f'/v2/queues/{queue}', data='[{"op": "add", "path": '
                        '"/metadata/k2", "value": 2}]', headers={
            'Content-Type': 'application/openstack-messaging-v2.0-json-patch'})
        (event,) = self.endpoint.wait_for('queue.update', queue=queue)
        self.assertEqual(2, self.data(event)['metadata']['k2'])
        self.http.delete(f'/v2/queues/{queue}')
        (event,) = self.endpoint.wait_for('queue.delete', queue=queue)
        self.assertEqual(queue, self.data(event)['queue_name'])

    def test_callers_request_id_becomes_the_global_request_id(self):
        queue = f'ev-{uuid.uuid4().hex[:8]}'
        caller = f'req-{uuid.uuid4()}'
        resp = self.http.put(f'/v2/queues/{queue}',
                             headers={'X-OpenStack-Request-ID': caller})
        self.assertEqual(201, resp.status_code)
        # The service's own request id stays its own.
        self.assertNotEqual(caller, resp.headers['x-openstack-request-id'])
        (event,) = self.endpoint.wait_for('queue.create', queue=queue)
        self.assertEqual(caller, event['context'].get('global_request_id'))

    def test_existing_queue_and_empty_claim_send_nothing(self):
        queue = f'ev-{uuid.uuid4().hex[:8]}'
        self.http.put(f'/v2/queues/{queue}')
        self.http.put(f'/v2/queues/{queue}')
        self.http.post(f'/v2/queues/{queue}/claims')
        marker = f'ev-{uuid.uuid4().hex[:8]}'
        self.http.put(f'/v2/queues/{marker}')
        self.endpoint.wait_for('queue.create', 10, timeout=3)
        names = [e['payload']['zaqar_object.data']['queue_name']
                 for e in self.endpoint.events if e['type'] == 'queue.create']
        self.assertEqual(1, names.count(queue))
        self.assertIn(marker, names)
        self.assertEqual([], [e for e in self.endpoint.events
                              if e['type'] == 'claim.create'
                              and e['payload']['zaqar_object.data'][
                                  'queue_name'] == queue])


class BusDownTest(base.ServerTestCase):
    """RabbitMQ unreachable: the API answers as usual; failures are logged."""

    extra_conf = conf('[oslo_messaging_notifications]',
                      'driver = messagingv2',
                      'transport_url = rabbit://guest:guest@127.0.0.1:'
                      f'{fserver.free_port()}/',
                      f'topics = {TOPIC}_down',
                      '[oslo_messaging_rabbit]',
                      'rabbit_retry_interval = 1')

    def test_api_keeps_answering(self):
        start = time.monotonic()
        for i in range(5):
            self.assertEqual(201, self.http.put(f'/v2/queues/down{i}')
                             .status_code)
            self.assertEqual(201, self.http.post(
                f'/v2/queues/down{i}/messages',
                json={'messages': [{'body': i}]}).status_code)
        self.assertLess(time.monotonic() - start, 10)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with open(f'{self.server.dir}/zaqar.log') as f:
                log = f.read()
            if 'Could not send notification' in log:
                break
            time.sleep(0.5)
        # Logged, but once: ten failed sends are one record (rate limit).
        self.assertEqual(1, log.count('Could not send notification'), log)

