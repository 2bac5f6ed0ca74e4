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

"""The WebSocket transport refuses what HTTP refuses."""

from __future__ import annotations

from tests.functional.test_websocket import WebSocketTestCase
from tests.hostile.test_requests import deep_json


class WebSocketHostileTest(WebSocketTestCase):

    with_http = False

    def test_overlong_project_id_is_refused_on_every_action(self):
        ws = self.client(project='p' * 300)
        for action, body in (('queue_list', {}),
                             ('queue_create', {'queue_name': 'q'}),
                             ('message_list', {'queue_name': 'q'})):
            with self.subTest(action=action):
                status, _ = ws.call(action, body)
                self.assertEqual(400, status)

    def test_non_finite_numbers_and_deep_nesting_are_refused(self):
        ws = self.client()
        for frame in ('{"action": "ping_node", "headers": {}, "x": NaN}',
                      '{"action": "ping_node", "x": 1e400}',
                      deep_json(2000).decode()):
            with self.subTest(frame=frame[:40]):
                ws.send_raw(frame)
                self.assertEqual(400, ws.recv()['headers']['status'])
        self.assertEqual(204, ws.call('ping_node')[0])
