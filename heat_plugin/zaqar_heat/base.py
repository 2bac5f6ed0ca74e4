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

"""What every resource type of the plugin shares: one named API object."""

from __future__ import annotations

import re

from heat.common.i18n import _
from heat.engine import constraints, resource

from zaqar_heat import rest

# Names of queues, topics, pools and flavors: one URL segment.
NAME_PATTERN = r'^[a-zA-Z0-9_-]+$'
NAME_MAX = 64


def name_constraints() -> list:
    return [constraints.Length(min=1, max=NAME_MAX),
            constraints.AllowedPattern(NAME_PATTERN)]


class NamedMessagingResource(resource.Resource):
    """A resource that is one named object of the v2 API (``collection``).

    Subclasses set ``collection`` (``queues``, ``topics``, ``pools``,
    ``flavors``), declare a ``name`` property, and implement
    ``handle_create``/``handle_update``. Delete tolerates an object that is
    already gone; check fails when it is gone.
    """

    default_client_name = 'zaqar'
    # Queue, topic, pool and flavor names are at most 64 characters.
    physical_resource_name_limit = NAME_MAX
    collection = ''
    # How existence is asked (queues are lazy: GET answers for any name).
    exists_method = 'GET'
    entity = None

    def api(self) -> rest.Messaging:
        return rest.Messaging(self.client_plugin())

    def object_name(self) -> str:
        """The template's name, else one Heat makes up (URL-safe)."""
        name = self.properties.get('name')
        if name:
            return name
        return re.sub(r'[^a-zA-Z0-9_-]', '-', self.physical_resource_name())

    def path(self, name: str | None = None) -> str:
        return (f'/v2/{self.collection}/'
                f'{rest.quoted(name or self.resource_id)}')

    def handle_delete(self):
        if not self.resource_id:
            return
        # Already gone (deleted by hand, or never made) is not a failure.
        self.api().delete(self.path())

    def handle_check(self):
        if not self.api().exists(self.path(), self.exists_method):
            raise rest.NotFound(404, 'GET', self.path(),
                                _('%s is gone') % self.resource_id)

    def _show_resource(self):
        return self.api().get(self.path())

    def href(self) -> str:
        return self.api().href(self.path())
