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


"""Hooks decide from what an Action declares, never from its name."""

from __future__ import annotations

import pathlib
import re
import types
import unittest

import zaqar
from zaqar.api import actions

# `action == 'x'`, `action in (...)`, `action in SOME_SET` and the like.
_NAME_TEST = re.compile(r"\baction\s*(==|!=|not in|in)\s*[\"'(\[{_A-Z]")


class ActionFlagsTest(unittest.TestCase):

    def test_no_code_tests_an_action_by_its_name(self):
        root = pathlib.Path(zaqar.__file__).parent
        found = [f'{path.relative_to(root)}:{number}'
                 for path in root.rglob('*.py')
                 for number, line in enumerate(
                     path.read_text().splitlines(), 1)
                 if _NAME_TEST.search(line)]
        self.assertEqual([], found)

    def test_flags(self):
        flagged = {name: spec for name, spec in actions.ACTIONS.items()}
        self.assertEqual({'message_post', 'topic_message_post'},
                         {n for n, s in flagged.items() if s.posts})
        self.assertEqual({'message_post', 'claim_delete', 'message_delete',
                          'message_delete_many'},
                         {n for n, s in flagged.items() if s.wakes_queue})
        self.assertEqual({'queue_create': 'queues',
                          'subscription_create': 'subscriptions'},
                         {n: s.creates for n, s in flagged.items()
                          if s.creates})
        connection_bound = {n for n, s in flagged.items()
                            if s.needs_connection}
        self.assertEqual({n for n in flagged
                          if n.startswith('connection_subscription_')},
                         connection_bound)
        self.assertFalse(any(flagged[n].over_http for n in connection_bound))


class MetricsFromFlagsTest(unittest.TestCase):
    """The message counters move by the flags (zaqar.metrics.setup)."""

    def setUp(self):
        from zaqar.metrics import registry, setup
        self.registry = registry
        self.after = setup._action_counter(None)
        self.ctx = types.SimpleNamespace(project_id='p')

    def moved(self, name, params, result):
        counters = (self.registry.MESSAGES_POSTED,
                    self.registry.MESSAGES_CLAIMED,
                    self.registry.MESSAGES_DELETED)
        before = [c._value.get() for c in counters]
        self.after(name, self.ctx, params, result, actions.ACTIONS[name])
        return [c._value.get() - b for c, b in zip(counters, before)]

    def test_counts(self):
        q = {'queue_name': 'q'}
        self.assertEqual([2, 0, 0], self.moved('message_post', q, ['a', 'b']))
        self.assertEqual([3, 0, 0], self.moved(
            'topic_message_post', {'topic_name': 't'}, ['a', 'b', 'c']))
        self.assertEqual([0, 2, 0], self.moved(
            'claim_create', q, ('claim', ['m1', 'm2'])))
        self.assertEqual([0, 0, 1], self.moved(
            'message_delete', dict(q, message_id='m'), None))
        self.assertEqual([0, 0, 3], self.moved(
            'message_delete_many', dict(q, ids=['1', '2', '3']), None))
        self.assertEqual([0, 2, 2], self.moved(
            'message_delete_many', dict(q, pop=2), ['m1', 'm2']))
        self.assertEqual([0, 0, 0], self.moved('queue_get', q, {}))
