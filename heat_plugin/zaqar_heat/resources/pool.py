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

"""OS::Zaqar::Pool (admin): a data store that queues are placed on."""

from __future__ import annotations

from heat.common.i18n import _
from heat.engine import attributes, constraints, properties, support

from zaqar_heat import base


class Pool(base.NamedMessagingResource):
    """A storage pool; every property but the name changes in place.

    Deleting a pool that still holds queues fails (the API answers 409):
    delete or move the queues first (in a template, make the queues depend
    on the pool's flavor, so they go first).
    """

    support_status = support.SupportStatus(version='27.0.0')
    collection = 'pools'

    PROPERTIES = (NAME, URI, WEIGHT, FLAVOR, OPTIONS) = (
        'name', 'uri', 'weight', 'flavor', 'options')
    ATTRIBUTES = (HREF, URI_ATTR, WEIGHT_ATTR, FLAVOR_ATTR) = (
        'href', 'uri', 'weight', 'flavor')

    properties_schema = {
        NAME: properties.Schema(
            properties.Schema.STRING,
            _('Name of the pool; Heat makes one up when left out.'),
            constraints=base.name_constraints()),
        URI: properties.Schema(
            properties.Schema.STRING,
            _('Store URI (redis://, mongodb://, mysql+pymysql://, '
              'postgresql://, sqlite://); the service connects to it '
              'before accepting.'),
            required=True, update_allowed=True,
            constraints=[constraints.Length(min=1)]),
        WEIGHT: properties.Schema(
            properties.Schema.INTEGER,
            _('Relative share of new queues (0: takes no new queues).'),
            required=True, update_allowed=True,
            constraints=[constraints.Range(min=0)]),
        FLAVOR: properties.Schema(
            properties.Schema.STRING,
            _('Flavor the pool belongs to (none when left out).'),
            update_allowed=True, constraints=base.name_constraints()),
        OPTIONS: properties.Schema(
            properties.Schema.MAP,
            _('Driver options of the store.'),
            default={}, update_allowed=True),
    }

    attributes_schema = {
        HREF: attributes.Schema(_('URL of the pool.'),
                                type=attributes.Schema.STRING),
        URI_ATTR: attributes.Schema(_('Store URI as registered.'),
                                    type=attributes.Schema.STRING),
        WEIGHT_ATTR: attributes.Schema(_('Weight as registered.'),
                                       type=attributes.Schema.INTEGER),
        FLAVOR_ATTR: attributes.Schema(_('Flavor of the pool, if any.'),
                                       type=attributes.Schema.STRING),
    }

    def handle_create(self):
        name = self.object_name()
        body = {self.URI: self.properties[self.URI],
                self.WEIGHT: self.properties[self.WEIGHT],
                self.OPTIONS: self.properties[self.OPTIONS] or {}}
        if self.properties[self.FLAVOR]:
            body[self.FLAVOR] = self.properties[self.FLAVOR]
        self.api().put(self.path(name), body)
        self.resource_id_set(name)

    def handle_update(self, json_snippet, tmpl_diff, prop_diff):
        if not prop_diff:
            return
        changes = dict(prop_diff)
        if self.FLAVOR in changes:
            # null and "" both mean "no flavor" to the API.
            changes[self.FLAVOR] = changes[self.FLAVOR] or ''
        if self.OPTIONS in changes:
            changes[self.OPTIONS] = changes[self.OPTIONS] or {}
        self.api().patch(self.path(), changes)

    def _resolve_attribute(self, name):
        if not self.resource_id:
            return None
        if name == self.HREF:
            return self.href()
        shown = self.api().get(self.path() + '?detailed=true')
        return shown.get(name)


def available_resource_mapping():
    return {'OS::Zaqar::Pool': Pool}
