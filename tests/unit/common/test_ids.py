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

"""zaqar.common.ids: canonical random UUID4 strings, never repeated."""

from __future__ import annotations

import os
import threading
import uuid

import testtools

from zaqar.common import ids


class IdsTest(testtools.TestCase):

    def test_ids_are_canonical_version_4_uuids(self):
        for _ in range(1000):
            text = ids.uuid4()
            parsed = uuid.UUID(text)
            self.assertEqual(str(parsed), text)
            self.assertEqual(4, parsed.version)
            self.assertEqual(uuid.RFC_4122, parsed.variant)

    def test_ids_do_not_repeat_across_buffer_refills(self):
        made = [ids.uuid4() for _ in range(2000)]
        self.assertEqual(len(made), len(set(made)))

    def test_every_variant_digit_occurs(self):
        digits = {ids.uuid4()[19] for _ in range(500)}
        self.assertEqual(set('89ab'), digits)

    def test_threads_get_distinct_ids(self):
        made: list[str] = []

        def work():
            made.extend(ids.uuid4() for _ in range(300))

        threads = [threading.Thread(target=work) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(1200, len(set(made)))

    def test_a_forked_child_does_not_repeat_its_parents_ids(self):
        ids.uuid4()  # the parent has a buffer with ids left in it
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            os.close(read)
            os.write(write, ids.uuid4().encode())
            os._exit(0)
        os.close(write)
        child = os.read(read, 64).decode()
        os.close(read)
        os.waitpid(pid, 0)
        self.assertEqual(36, len(child))
        self.assertNotEqual(child, ids.uuid4())
