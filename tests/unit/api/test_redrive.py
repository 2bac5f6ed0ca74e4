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

"""Redrive request rules and the task record, without a store."""

from __future__ import annotations

import unittest
import uuid

import jsonschema

from zaqar.api import redrive, redrive_tasks
from zaqar.common import errors
from zaqar.schemas import redrive as schema


class RequestRulesTest(unittest.TestCase):

    def test_max_messages_is_an_integer_in_range(self):
        self.assertEqual(1, redrive._max_messages(1))
        self.assertEqual(7, redrive._max_messages(7.0))
        self.assertEqual(redrive.MAX_MESSAGES,
                         redrive._max_messages(redrive.MAX_MESSAGES))
        for bad in (0, -1, redrive.MAX_MESSAGES + 1, 1.5, True, '3', None):
            with self.subTest(bad=bad):
                self.assertRaises(errors.BadRequest, redrive._max_messages,
                                  bad)

    def test_rate_is_a_positive_number_in_range(self):
        self.assertEqual(0.5, redrive._rate(0.5))
        self.assertEqual(redrive.MAX_RATE, redrive._rate(redrive.MAX_RATE))
        for bad in (0, -0.1, redrive.MAX_RATE + 0.5, False, 'fast', None):
            with self.subTest(bad=bad):
                self.assertRaises(errors.BadRequest, redrive._rate, bad)

    def test_destination_is_another_valid_queue_name(self):
        redrive._check_destination('orders', 'dlq', 'p')
        for bad in ('dlq', 'bad name', 'x' * 65, '', 5, None):
            with self.subTest(bad=bad):
                self.assertRaises(errors.BadRequest,
                                  redrive._check_destination, bad, 'dlq', 'p')

    def test_the_schema_says_what_the_operation_checks(self):
        jsonschema.Draft202012Validator.check_schema(schema.REQUEST)
        validator = jsonschema.Draft202012Validator(schema.REQUEST)
        self.assertTrue(validator.is_valid(
            {'destination': 'q', 'max_messages': 3, 'rate': 0.5}))
        for bad in ({'rate': 0}, {'max_messages': 0}, {'other': 1},
                    {'destination': 'a b'}):
            self.assertFalse(validator.is_valid(bad), bad)


class TaskRecordTest(unittest.TestCase):

    def test_metadata_round_trip(self):
        task = redrive_tasks.new_task('p', 'dlq', 'q', 10, 2.5)
        task.inflight = {'m1': ['c1', 0.0]}
        again = redrive_tasks.Task.from_metadata(task.id,
                                                 task.to_metadata())
        self.assertEqual(task, again)
        self.assertEqual(10, again.cap_left)
        again.moved = 12
        self.assertEqual(0, again.cap_left)

    def test_copy_ids_are_stable_per_task_and_message(self):
        task_id = uuid.uuid4().hex
        first = redrive_tasks.copy_id(task_id, 'm1')
        self.assertEqual(first, redrive_tasks.copy_id(task_id, 'm1'))
        self.assertNotEqual(first, redrive_tasks.copy_id(task_id, 'm2'))
        self.assertNotEqual(first, redrive_tasks.copy_id(uuid.uuid4().hex,
                                                         'm1'))
        self.assertEqual(36, len(first))

    def test_markers_differ_per_project_and_queue(self):
        self.assertNotEqual(redrive_tasks.marker('p', 'q'),
                            redrive_tasks.marker('p', 'r'))
        self.assertNotEqual(redrive_tasks.marker('p', 'q'),
                            redrive_tasks.marker('P', 'q'))
        self.assertLessEqual(len(redrive_tasks.marker('p' * 256, 'q' * 64)),
                             64)

    def test_shown_task_matches_the_response_schema(self):
        task = redrive_tasks.new_task('p', 'dlq', 'q', None, None)
        shown = redrive_tasks.describe(task, 3)
        jsonschema.validate(shown, schema.TASK)
        self.assertNotIn('project', shown)
        task.finished = task.created
        task.state = redrive_tasks.DONE
        jsonschema.validate(redrive_tasks.describe(task, 0), schema.TASK)
