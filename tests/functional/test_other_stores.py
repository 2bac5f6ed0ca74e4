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

"""The core HTTP suites again, on the Redis, PostgreSQL and MongoDB stores."""

from __future__ import annotations

from tests.functional import (
    test_claims,
    test_messages,
    test_queues,
    test_zaqarclient,
)

_SUITES = (test_queues.QueueTest, test_messages.MessageTest,
           test_claims.ClaimTest, test_zaqarclient.ZaqarClientTest)
_BACKENDS = {'Redis': 'redis', 'PostgreSQL': 'postgresql',
             'MongoDB': 'mongodb'}

for _label, _backend in _BACKENDS.items():
    for _suite in _SUITES:
        _name = f'{_suite.__name__}On{_label}'
        globals()[_name] = type(_name, (_suite,), {'backend': _backend})
del _label, _backend, _suite, _name
