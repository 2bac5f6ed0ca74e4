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

"""The logs of a whole test run hold none of the run's secrets.

Run by ``.ci/run`` after the suite (not discovered by stestr: it reads
what the whole run left in ``ZAQAR_TEST_LOG_DIR``, see tests/logscan.py).
"""

from __future__ import annotations

import glob
import os
import unittest

from tests import backends, logscan

# A functional run starts dozens of servers and hands out hundreds of
# secrets; fewer means the collection broke, not that the logs are clean.
MIN_LOGS = 20
MIN_SECRETS = 50


class LogScanTest(unittest.TestCase):

    def setUp(self):
        if logscan.LOG_DIR is None or not os.path.isdir(logscan.LOG_DIR):
            backends.unavailable(self, 'test logs',
                                 'ZAQAR_TEST_LOG_DIR is not a folder')

    def _secrets(self) -> dict[str, str]:
        found: dict[str, str] = {}
        path = os.path.join(logscan.LOG_DIR, logscan.SECRETS_FILE)
        if os.path.exists(path):
            with open(path) as f:
                for line in f:
                    kind, _, value = line.rstrip('\n').partition('\t')
                    if value:
                        found.setdefault(value, kind)
        return found

    def test_no_secret_in_any_log(self):
        secrets = self._secrets()
        logs = sorted(glob.glob(os.path.join(logscan.LOG_DIR, '*.log')))
        self.assertGreaterEqual(len(logs), MIN_LOGS, 'logs kept')
        self.assertGreaterEqual(len(secrets), MIN_SECRETS, 'secrets seen')
        leaks = []
        for path in logs:
            with open(path, errors='replace') as f:
                text = f.read()
            for value, kind in secrets.items():
                if value in text:
                    leaks.append(f'{os.path.basename(path)}: {kind} '
                                 f'{value[:4]}...')
        self.assertEqual([], leaks)


if __name__ == '__main__':
    unittest.main()
