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

"""mailto: subscribers end to end: a live server and a local SMTP sink."""

from __future__ import annotations

import email
import email.policy
import json
import os
import threading
import time
import uuid

from tests.functional import base
from tests.functional import server as fserver
from tests.functional.test_subscriptions import conf


class Sink:
    """An aiosmtpd server on 127.0.0.1 keeping every mail it accepts."""

    def __init__(self):
        from aiosmtpd.controller import Controller
        self.mails: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.arrived = threading.Condition()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                mail = email.message_from_bytes(
                    envelope.content, policy=email.policy.default)
                with sink.arrived:
                    sink.mails.append(mail)
                    sink.envelopes.append((envelope.mail_from,
                                           list(envelope.rcpt_tos)))
                    sink.arrived.notify_all()
                return '250 OK'

        self.port = fserver.free_port()
        self.controller = Controller(Handler(), hostname='127.0.0.1',
                                     port=self.port)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    def wait(self, count: int, timeout: float = 30.0) -> list:
        deadline = time.monotonic() + timeout
        with self.arrived:
            while len(self.mails) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.arrived.wait(left)
            return list(self.mails)


class _SinkTest(base.ServerTestCase):
    sink: Sink

    @classmethod
    def setUpClass(cls):
        cls.sink = Sink()
        cls.extra_conf = cls.mail_conf(cls.sink.port)
        try:
            super().setUpClass()
        except BaseException:
            cls.sink.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.sink.stop()

    @classmethod
    def mail_conf(cls, port: int) -> str:
        raise NotImplementedError

    def mails_to(self, recipient: str, count: int = 1) -> list:
        self.sink.wait(len(self.sink.mails) + count)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            found = [m for m in self.sink.mails if m['To'] == recipient]
            if len(found) >= count:
                return found
            time.sleep(0.1)
        self.fail(f'no mail to {recipient}: {self.server.log_tail()}')


class SMTPTest(_SinkTest):
    """smtp_mode = self_local: SMTP to smtp_host/smtp_port."""

    @classmethod
    def mail_conf(cls, port):
        return conf('[notification]', 'smtp_mode = self_local',
                    'smtp_host = 127.0.0.1', f'smtp_port = {port}',
                    'delivery_poll_interval = 0.2')

    def test_a_message_is_mailed_with_the_subscription_options(self):
        to = f'ops-{uuid.uuid4().hex[:6]}@example.com'
        resp = self.http.post('/v2/queues/mq/subscriptions', json={
            'subscriber': f'mailto:{to}',
            'options': {'from': 'zaqar@example.com',
                        'subject': 'Queue news'}})
        self.assertEqual(201, resp.status_code, resp.text)
        resp = self.http.post('/v2/queues/mq/messages', json={
            'messages': [{'body': {'event': 'backup.done', 'size': 42},
                          'ttl': 120}]})
        message_id = resp.json()['resources'][0].rsplit('/', 1)[1]
        (mail,) = self.mails_to(to)
        self.assertEqual(('zaqar@example.com', 'Queue news'),
                         (mail['From'], mail['Subject']))
        document = json.loads(mail.get_content())
        self.assertEqual({'id': message_id, 'queue_name': 'mq', 'ttl': 120,
                          'body': {'event': 'backup.done', 'size': 42},
                          'Message_Type': 'Notification'},
                         document)
        index = self.sink.mails.index(mail)
        self.assertEqual([to], self.sink.envelopes[index][1])

    def test_subject_defaults_to_the_queue_or_the_uri(self):
        to = f'dev-{uuid.uuid4().hex[:6]}@example.com'
        self.http.post('/v2/queues/mq2/subscriptions',
                       json={'subscriber': f'mailto:{to}'})
        other = f'uri-{uuid.uuid4().hex[:6]}@example.com'
        self.http.post('/v2/queues/mq2/subscriptions',
                       json={'subscriber': f'mailto:{other}?subject=Hi'})
        self.http.post('/v2/queues/mq2/messages',
                       json={'messages': [{'body': 1}]})
        (mail,) = self.mails_to(to)
        self.assertEqual('Zaqar Notification - mq2', mail['Subject'])
        (mail,) = self.mails_to(other)
        self.assertEqual('Hi', mail['Subject'])


class SMTPDownTest(base.ServerTestCase):
    """No SMTP server: the delivery is retried, then recorded as failed."""

    extra_conf = conf('[notification]', 'smtp_mode = self_local',
                      'smtp_host = 127.0.0.1',
                      f'smtp_port = {fserver.free_port()}',
                      'delivery_poll_interval = 0.2')

    def test_failure_is_recorded_on_the_subscription(self):
        resp = self.http.post('/v2/queues/down/subscriptions', json={
            'subscriber': 'mailto:nobody@example.com',
            'options': {'_retry_policy': {
                'retries_with_no_delay': 1, 'minimum_delay_retries': 0,
                'maximum_delay_retries': 0, 'minimum_delay': 0,
                'maximum_delay': 10, 'retry_backoff_function': 'geometric'}}})
        sub_id = resp.json()['subscription_id']
        self.http.post('/v2/queues/down/messages',
                       json={'messages': [{'body': 1}]})
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            record = self.http.get(f'/v2/queues/down/subscriptions/'
                                   f'{sub_id}').json()['deliveries']
            if record['failed']:
                break
            time.sleep(0.2)
        self.assertEqual(1, record['failed'])
        self.assertIn('SMTP failed: ConnectionRefusedError',
                      record['last_error'])


class CommandTest(base.ServerTestCase):
    """smtp_mode = third_part: the whole mail on smtp_command's stdin."""

    spool = os.path.join(fserver.tempfile.gettempdir(),
                         f'zaqar-mail-{uuid.uuid4().hex}')
    extra_conf = conf('[notification]', 'smtp_mode = third_part',
                      f'smtp_command = /bin/sh -c "cat >> {spool}"',
                      'delivery_poll_interval = 0.2')

    def tearDown(self):
        if os.path.exists(self.spool):
            os.unlink(self.spool)
        super().tearDown()

    def test_the_command_gets_the_mail(self):
        self.http.post('/v2/queues/cmd/subscriptions',
                       json={'subscriber': 'mailto:cmd@example.com'})
        self.http.post('/v2/queues/cmd/messages',
                       json={'messages': [{'body': 'piped'}]})
        deadline = time.monotonic() + 30
        text = ''
        while time.monotonic() < deadline and 'piped' not in text:
            time.sleep(0.2)
            if os.path.exists(self.spool):
                with open(self.spool) as f:
                    text = f.read()
        mail = email.message_from_string(text, policy=email.policy.default)
        self.assertEqual('cmd@example.com', mail['To'])
        self.assertEqual('piped', json.loads(mail.get_content())['body'])


class ConfirmationMailTest(_SinkTest):
    """require_confirmation: a confirmation mail with a signed link."""

    key = uuid.uuid4().hex

    @classmethod
    def mail_conf(cls, port):
        return conf('[notification]', 'smtp_mode = self_local',
                    'smtp_host = 127.0.0.1', f'smtp_port = {port}',
                    'delivery_poll_interval = 0.2',
                    'require_confirmation = true',
                    'external_confirmation_url = https://example.com/confirm',
                    '[signed_url]', f'secret_key = {cls.key}')

    def test_confirmation_mail_then_messages_once_confirmed(self):
        to = f'new-{uuid.uuid4().hex[:6]}@example.com'
        resp = self.http.post('/v2/queues/cm/subscriptions',
                              json={'subscriber': f'mailto:{to}'})
        sub_id = resp.json()['subscription_id']
        (mail,) = self.mails_to(to)
        self.assertEqual('Zaqar Notification - Subscription Confirmation',
                         mail['Subject'])
        text = mail.get_content()
        self.assertIn('queue: cm', text)
        self.assertIn(self.http.project, text)
        self.assertIn('https://example.com/confirm?Queue=cm&Subscription='
                      f'{sub_id}', text)
        self.assertIn('URL-Signature=', text)
        self.http.post('/v2/queues/cm/messages',
                       json={'messages': [{'body': 'unconfirmed'}]})
        time.sleep(1.5)
        self.assertEqual(1, len([m for m in self.sink.mails
                                 if m['To'] == to]))
        self.http.put(f'/v2/queues/cm/subscriptions/{sub_id}/confirm',
                      json={'confirmed': True})
        self.http.post('/v2/queues/cm/messages',
                       json={'messages': [{'body': 'confirmed'}]})
        mails = self.mails_to(to, 2)
        self.assertEqual('confirmed',
                         json.loads(mails[1].get_content())['body'])
