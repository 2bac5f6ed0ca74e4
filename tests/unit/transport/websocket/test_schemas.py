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

"""The WebSocket request schemas are valid and cover exactly the served actions."""

from __future__ import annotations

import unittest

import jsonschema

from zaqar.schemas import websocket as schemas
from zaqar.transport.websocket import handlers, protocol, subscribe


class SchemasTest(unittest.TestCase):

    def test_every_schema_is_a_valid_json_schema(self):
        for name, schema in schemas.REQUESTS.items():
            with self.subTest(action=name):
                jsonschema.Draft202012Validator.check_schema(schema)

    def test_every_action_has_exactly_one_handler(self):
        # Registering one twice raises (handlers.handler).
        self.assertEqual(set(schemas.REQUESTS), set(handlers.HANDLERS))

    def test_connection_bound_actions_are_declared(self):
        bound = {name for name, entry in handlers.HANDLERS.items()
                 if entry.needs_connection}
        self.assertEqual({'authenticate', 'subscription_create',
                          'subscription_list', 'subscription_get',
                          'subscription_delete'}, bound)
        ungated = {name for name, entry in handlers.HANDLERS.items()
                   if not entry.gated}
        self.assertEqual({'authenticate'}, ungated)
        self.assertIs(subscribe.subscription_create,
                      handlers.HANDLERS['subscription_create'].func)

    def test_section_14_actions_are_all_served(self):
        section_14 = {
            'queue_list', 'queue_create', 'queue_delete', 'queue_get',
            'queue_get_stats', 'queue_purge', 'message_list', 'message_get',
            'message_get_many', 'message_post', 'message_delete',
            'message_delete_many', 'claim_create', 'claim_get',
            'claim_update', 'claim_delete', 'subscription_create',
            'subscription_list', 'subscription_get', 'subscription_delete',
            'authenticate', 'ping_node', 'get_home_doc', 'check_node_health'}
        self.assertLessEqual(section_14, set(schemas.REQUESTS))

    def test_schemas_reject_what_they_should(self):
        valid = protocol.VALIDATORS['message_post'].is_valid
        headers = {'Client-ID': 'c', 'X-Project-ID': 'p'}
        body = {'queue_name': 'q', 'messages': []}
        self.assertTrue(valid({'action': 'message_post', 'headers': headers,
                               'body': body}))
        self.assertFalse(valid({'action': 'message_post', 'body': body}))
        self.assertFalse(valid({'action': 'message_post', 'headers': {
            'Client-ID': 'c'}, 'body': body}))
        self.assertFalse(valid({'action': 'message_post', 'headers': dict(
            headers, **{'X-Project-ID': ''}), 'body': body}))
        self.assertFalse(valid({'action': 'message_post', 'headers': headers,
                                'body': {'queue_name': 'q'}}))
        self.assertFalse(valid({'action': 'queue_list', 'headers': headers,
                                'body': body}))
        self.assertFalse(valid({'action': 'message_post', 'headers': headers,
                                'body': dict(body, queue_name=5)}))

    def test_extra_headers_are_allowed(self):
        valid = protocol.VALIDATORS['ping_node'].is_valid
        self.assertTrue(valid({'action': 'ping_node', 'headers': {
            'Client-ID': 'c', 'X-Project-ID': 'p', 'X-Trace': '1'}}))

    def test_authenticate_needs_project_and_token(self):
        valid = protocol.VALIDATORS['authenticate'].is_valid
        self.assertTrue(valid({'action': 'authenticate', 'headers': {
            'X-Project-ID': 'p', 'X-Auth-Token': 't'}}))
        self.assertFalse(valid({'action': 'authenticate', 'headers': {
            'X-Project-ID': 'p'}}))
