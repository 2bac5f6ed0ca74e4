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

"""OS::Zaqar::Flavor (admin): a named group of pools queues can ask for."""

from __future__ import annotations

from heat.common.i18n import _
from heat.engine import attributes, constraints, properties, support

from zaqar_heat import base


class Flavor(base.NamedMessagingResource):
    """A flavor over ``pool_list``; its pools and capabilities change in
    place, a new name replaces it."""

    support_status = support.SupportStatus(version='27.0.0')
    collection = 'flavors'

    PROPERTIES = (NAME, POOL_LIST, CAPABILITIES) = (
        'name', 'pool_list', 'capabilities')
    ATTRIBUTES = (HREF, POOL_LIST_ATTR, CAPABILITIES_ATTR) = (
        'href', 'pool_list', 'capabilities')

    properties_schema = {
        NAME: properties.Schema(
            properties.Schema.STRING,
            _('Name of the flavor; Heat makes one up when left out.'),
            constraints=base.name_constraints()),
        POOL_LIST: properties.Schema(
            properties.Schema.LIST,
            _('Names of the pools of the flavor.'),
            required=True, update_allowed=True,
            constraints=[constraints.Length(min=1)],
            schema=properties.Schema(
                properties.Schema.STRING,
                constraints=base.name_constraints())),
        CAPABILITIES: properties.Schema(
            properties.Schema.MAP,
            _('Capabilities claimed for the flavor (stored as given).'),
            update_allowed=True),
    }

    attributes_schema = {
        HREF: attributes.Schema(_('URL of the flavor.'),
                                type=attributes.Schema.STRING),
        POOL_LIST_ATTR: attributes.Schema(
            _('Pools of the flavor as the service has them.'),
            type=attributes.Schema.LIST,
            cache_mode=attributes.Schema.CACHE_NONE),
        CAPABILITIES_ATTR: attributes.Schema(
            _('What every pool of the flavor offers (FIFO, CLAIMS, ...).'),
            type=attributes.Schema.LIST,
            cache_mode=attributes.Schema.CACHE_NONE),
    }

    def _body(self, props) -> dict:
        body = {self.POOL_LIST: list(props[self.POOL_LIST])}
        if props[self.CAPABILITIES] is not None:
            body[self.CAPABILITIES] = props[self.CAPABILITIES]
        return body

    def handle_create(self):
        name = self.object_name()
        self.api().put(self.path(name), self._body(self.properties))
        self.resource_id_set(name)

    def handle_update(self, json_snippet, tmpl_diff, prop_diff):
        if prop_diff:
            props = json_snippet.properties(self.properties_schema,
                                            self.context)
            self.api().patch(self.path(), self._body(props))

    def _resolve_attribute(self, name):
        if not self.resource_id:
            return None
        if name == self.HREF:
            return self.href()
        return self.api().get(self.path()).get(name)


def available_resource_mapping():
    return {'OS::Zaqar::Flavor': Flavor}
