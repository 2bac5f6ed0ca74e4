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

"""zaqar-server's processes: workers do not outlive a killed arbiter."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
import unittest

from tests.functional import server as fserver
from tests.functional.test_notifications_acceptance import children


def _alive(pid: int) -> bool:
    try:
        with open(f'/proc/{pid}/stat') as f:
            return f.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except OSError:
        return False


class OrphanWorkersTest(unittest.TestCase):

    def test_workers_exit_when_the_arbiter_is_killed(self):
        tmp = tempfile.mkdtemp(prefix='zaqar-orphans-')
        self.addCleanup(shutil.rmtree, tmp, True)
        srv = fserver.Server(f'sqlite:///{tmp}/z.db', 'sqlalchemy',
                             workers=2).start()
        self.addCleanup(srv.stop)
        workers = children(srv.process.pid)
        self.assertEqual(2, len(workers))
        self.addCleanup(lambda: [os.kill(p, signal.SIGKILL)
                                 for p in workers if _alive(p)])
        os.kill(srv.process.pid, signal.SIGKILL)
        srv.process.wait()
        deadline = time.monotonic() + 15
        while any(_alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertEqual([], [p for p in workers if _alive(p)])
