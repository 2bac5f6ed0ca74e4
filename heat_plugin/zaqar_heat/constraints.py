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

"""Custom constraints (entry points ``heat.constraints``)."""

from __future__ import annotations

from heat.engine import constraints

from zaqar_heat import rest


class FlavorConstraint(constraints.BaseCustomConstraint):
    """``zaqar.flavor``: a flavor of the messaging service that exists."""

    expected_exceptions = (rest.NotFound,)

    def validate_with_client(self, client, value):
        api = rest.Messaging(client.client_plugin('zaqar'))
        api.get(f'/v2/flavors/{rest.quoted(value)}')
