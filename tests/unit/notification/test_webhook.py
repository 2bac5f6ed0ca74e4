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

"""Webhook bodies, headers and signatures."""

from __future__ import annotations

import hashlib
import hmac
import json
import unittest

from zaqar.notification.tasks import webhook

MESSAGE = {'id': 'm1', 'body': {'a': [1, 'x']}, 'ttl': 60,
           'queue_name': 'q'}


class RenderTest(unittest.TestCase):

    def test_plain_message(self):
        self.assertEqual(MESSAGE, json.loads(webhook.render(MESSAGE, {})))

    def test_object_template(self):
        body = webhook.render(MESSAGE, {'post_data': {
            'event': '$zaqar_message$', 'k': ['$zaqar_message$', 1]}})
        self.assertEqual({'event': MESSAGE, 'k': [MESSAGE, 1]},
                         json.loads(body))

    def test_string_template_keeps_its_text(self):
        body = webhook.render(MESSAGE, {'post_data': 'pre "$zaqar_message$"'})
        self.assertEqual('pre ' + json.dumps(MESSAGE), body.decode())


class SignatureTest(unittest.TestCase):

    def test_hmac_of_timestamp_dot_body(self):
        body = b'{"x": 1}'
        want = hmac.new(b'key', b'1700000000.' + body,
                        hashlib.sha256).hexdigest()
        self.assertEqual('sha256=' + want,
                         webhook.sign('key', '1700000000', body))
        self.assertTrue(webhook.verify('key', '1700000000', body,
                                       'sha256=' + want))
        self.assertFalse(webhook.verify('key', '1700000001', body,
                                        'sha256=' + want))

    def test_headers(self):
        headers = webhook.headers(
            {'post_headers': {'X-A': 'b', 'x-zaqar-signature': 'no',
                              'Content-Type': 'text/plain', 'X-N': 5}},
            'key', b'{}', 'd1', 's1')
        self.assertEqual('b', headers['X-A'])
        self.assertNotIn('X-N', headers)
        self.assertNotIn('x-zaqar-signature', headers)
        self.assertEqual('application/json', headers['Content-Type'])
        self.assertEqual(('d1', 's1'), (headers[webhook.DELIVERY],
                                        headers[webhook.SUBSCRIPTION]))
        self.assertTrue(webhook.verify('key', headers[webhook.TIMESTAMP],
                                       b'{}', headers[webhook.SIGNATURE]))

    def test_no_secret_no_signature(self):
        self.assertNotIn(webhook.SIGNATURE,
                         webhook.headers({}, None, b'{}', 'd', 's'))
