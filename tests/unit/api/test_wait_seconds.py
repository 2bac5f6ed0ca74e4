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

"""The ``wait`` rule: an integer from 0 to 20, absent meaning 0."""

from __future__ import annotations

import testtools

from zaqar.api import validation
from zaqar.common import errors


class WaitSecondsTest(testtools.TestCase):

    def test_absent_is_no_wait(self):
        self.assertEqual(0, validation.wait_seconds(None))

    def test_integers_from_0_to_20_are_taken(self):
        for value in (0, 1, 19, 20):
            self.assertEqual(value, validation.wait_seconds(value))

    def test_anything_else_is_a_400(self):
        for value in (-1, 21, 1.5, 2.0, '5', True, [], {}):
            exc = self.assertRaises(errors.BadRequest,
                                    validation.wait_seconds, value)
            self.assertEqual(400, exc.status, value)
