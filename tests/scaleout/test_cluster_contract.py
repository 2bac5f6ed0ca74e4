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

"""The whole storage contract suite on a real 6-node Redis Cluster.

Every contract mixin of tests/contract runs against the driver with a
``redis+cluster://`` URI (tests.scaleout.cluster starts the cluster once
per test process), as ``<Mixin>RedisCluster`` classes.
"""

from __future__ import annotations

from tests import backends
from tests.contract import (
    base,
    test_claims,
    test_concurrency,
    test_dedup,
    test_delivery,
    test_groups,
    test_messages,
    test_queues,
    test_scopes,
    test_subscriptions,
    test_wait,
)
from tests.scaleout import cluster

MIXINS = (
    test_claims.ClaimContract, test_claims.DeadLetterContract,
    test_claims.ExpiryContract,
    test_concurrency.ConcurrencyContract,
    test_dedup.DedupContract, test_groups.GroupContract,
    test_delivery.DeliveryContract,
    test_messages.MessagePostContract, test_messages.MessageListContract,
    test_messages.MessageDeleteContract, test_messages.MessagePopContract,
    test_messages.MessageIsolationContract,
    test_queues.QueueContract, test_queues.DriverContract,
    test_subscriptions.SubscriptionContract,
    test_scopes.ScopeContract,
    test_wait.WaitContract, test_wait.CrossHostWaitContract,
)

# Registered after the contract modules made their classes, so only this
# module generates RedisCluster classes.
backends.ALL.setdefault(cluster.ClusterBackend.name, cluster.ClusterBackend)
base.SUFFIXES.setdefault(cluster.ClusterBackend.name, 'RedisCluster')
base.for_each_backend(globals(), *MIXINS,
                      names=(cluster.ClusterBackend.name,))
