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

"""Policy in code: every rule of the API, one module per resource."""

import itertools

from zaqar.policies import (
    admin,
    base,
    claims,
    messages,
    queues,
    redrive,
    subscriptions,
    topics,
)


def list_rules():
    return list(itertools.chain(
        base.list_rules(),
        queues.list_rules(),
        redrive.list_rules(),
        messages.list_rules(),
        claims.list_rules(),
        subscriptions.list_rules(),
        topics.list_rules(),
        admin.list_rules(),
    ))
