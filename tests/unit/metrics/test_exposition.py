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

"""The metrics page in multiprocess mode, beside a worker that starts."""

from __future__ import annotations

import os
import shutil
import tempfile
import unittest
from unittest import mock

import prometheus_client as prom

from zaqar.metrics import exposition


class WorkerFilesTest(unittest.TestCase):

    def test_a_file_not_sized_yet_does_not_fail_the_scrape(self):
        directory = tempfile.mkdtemp(prefix='zaqar-metrics-')
        self.addCleanup(shutil.rmtree, directory, True)
        # What a starting worker's file is for an instant.
        open(os.path.join(directory, 'counter_4242.db'), 'wb').close()
        with mock.patch.dict(os.environ, {exposition.ENV: directory}):
            registry = exposition.collector_registry()
            self.assertEqual(b'', prom.generate_latest(registry))
