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

"""The caller's X-OpenStack-Request-ID reaches this service's log lines.

oslo.log's default context format carries ``global_request_id``; a line
logged while serving a request (here: a pool URI of an unknown store,
refused and logged at INFO)
must show the caller's id next to the service's own request id.
"""

from __future__ import annotations

import os
import tempfile
import time
import unittest
import uuid

import requests

from tests.functional import server as fserver


class GlobalRequestIdInLogsTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = tempfile.TemporaryDirectory(prefix='zaqar-reqid-')
        cls.addClassCleanup(cls.tmp.cleanup)
        db = f'sqlite:///{cls.tmp.name}/z.db'
        cls.server = fserver.Server(
            db, extra_conf='admin_mode = true\npooling = true')
        with open(cls.server.config, 'a') as f:
            f.write('\n[drivers]\nmanagement_store = sqlalchemy\n'
                    f'[drivers:management_store:sqlalchemy]\nuri = {db}\n')
        cls.addClassCleanup(cls.server.stop)
        cls.server.start()

    def _log(self) -> str:
        with open(os.path.join(self.server.dir, 'zaqar.log')) as f:
            return f.read()

    def test_caller_request_id_is_in_the_log_line(self):
        global_id = f'req-{uuid.uuid4()}'
        resp = requests.put(
            f'{self.server.url}/v2/pools/p{uuid.uuid4().hex[:6]}',
            json={'uri': f'nosuchstore://127.0.0.1:{fserver.free_port()}',
                  'weight': 1},
            headers={'Client-ID': str(uuid.uuid4()), 'X-Project-ID': 'ops',
                     'X-Roles': 'admin', 'X-OpenStack-Request-ID': global_id},
            timeout=60)
        self.assertEqual(400, resp.status_code, resp.text)
        local_id = resp.headers['X-OpenStack-Request-ID']
        self.assertNotEqual(global_id, local_id)
        deadline = time.monotonic() + 10
        while global_id not in self._log() and time.monotonic() < deadline:
            time.sleep(0.2)
        lines = [line for line in self._log().splitlines()
                 if global_id in line]
        self.assertTrue(lines, self._log()[-2000:])
        self.assertIn(local_id, lines[0])
        self.assertIn('Pool URI refused', lines[0])
