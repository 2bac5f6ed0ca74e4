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

"""zaqar-status on a Redis Cluster message store: topics kept in the
layout before topic scopes (which the cluster driver does not convert)
fail the upgrade check by name."""

from __future__ import annotations

import shutil
import tempfile
import unittest
import uuid

from oslo_upgradecheck import upgradecheck

from tests import backends
from tests.scaleout import cluster, processes
from tests.unit.cmd import helpers
from zaqar.cmd import status
from zaqar.storage import scope
from zaqar.storage.redis import driver as redis_driver


class ClusterTopicsCheckTest(unittest.TestCase):

    def setUp(self):
        super().setUp()
        try:
            self.uri = cluster.uri()
        except processes.ToolMissing as exc:
            backends.unavailable(self, 'redis-cluster', str(exc))
        self.dir = tempfile.mkdtemp(prefix='zaqar-status-cluster-')
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.driver = redis_driver.DataDriver(self.uri)
        self.addCleanup(self.driver.close)
        self.project = 'old-' + uuid.uuid4().hex[:8]

    def check(self) -> upgradecheck.Result:
        path = helpers.write_config(self.dir, f"""\
            [drivers]
            message_store = redis
            [drivers:message_store:redis]
            uri = {self.uri}
            """)
        return status.Checks(helpers.load(path))._redis_cluster_topics()

    def test_old_layout_topics_are_named_until_recreated(self):
        # How topics were stored before they had a scope: queues of a
        # hidden project.
        hidden = scope.legacy_project(self.project)
        queues = self.driver.queue_controller
        queues.create('alerts', project=hidden)
        self.addCleanup(queues.delete, 'alerts', project=hidden)
        self.assertFalse(queues.exists('alerts', project=self.project,
                                       scope=scope.TOPIC))
        result = self.check()
        self.assertEqual(upgradecheck.Code.FAILURE, result.code,
                         result.details)
        self.assertIn(f'{self.project}/alerts', result.details)

        queues.delete('alerts', project=hidden)
        self.assertNotIn(self.project, self.check().details)
