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

"""The management store contract (pools, flavors, catalogue) on a real
6-node Redis Cluster (tests.scaleout.cluster)."""

from __future__ import annotations

import threading

from tests import backends
from tests.contract import test_management
from tests.scaleout import cluster

backends.ALL.setdefault(cluster.ClusterManagementBackend.name,
                        cluster.ClusterManagementBackend)

for _mixin in (test_management.PoolsContract,
               test_management.FlavorsContract,
               test_management.CatalogueContract,
               test_management.StoreContract):
    _cls_name = _mixin.__name__ + 'RedisCluster'
    globals()[_cls_name] = type(
        _cls_name, (_mixin, test_management.ManagementTestCase), {
            'backend_name': cluster.ClusterManagementBackend.name,
            '__module__': __name__, '__qualname__': _cls_name,
            '_state': None, '_lock': threading.Lock()})
