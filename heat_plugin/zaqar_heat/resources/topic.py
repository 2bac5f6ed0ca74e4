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

"""OS::Zaqar::Topic: a topic (messages fan out to its subscriptions)."""

from __future__ import annotations

from heat.common import exception
from heat.common.i18n import _
from heat.engine import attributes, properties, support

from zaqar_heat import base, rest


class Topic(base.NamedMessagingResource):
    """A topic; its metadata changes in place, a new name replaces it."""

    support_status = support.SupportStatus(version='27.0.0')
    collection = 'topics'

    PROPERTIES = (NAME, METADATA) = ('name', 'metadata')
    ATTRIBUTES = (HREF, METADATA_ATTR) = ('href', 'metadata')

    properties_schema = {
        NAME: properties.Schema(
            properties.Schema.STRING,
            _('Name of the topic; Heat makes one up when left out.'),
            constraints=base.name_constraints()),
        METADATA: properties.Schema(
            properties.Schema.MAP,
            _('Metadata of the topic.'),
            default={}, update_allowed=True),
    }

    attributes_schema = {
        HREF: attributes.Schema(
            _('URL of the topic.'), type=attributes.Schema.STRING),
        METADATA_ATTR: attributes.Schema(
            _('Metadata as the service shows it.'),
            type=attributes.Schema.MAP,
            cache_mode=attributes.Schema.CACHE_NONE),
    }

    def handle_create(self):
        name = self.object_name()
        api = self.api()
        api.put(self.path(name), self.properties[self.METADATA])
        if api.last_status != 201:
            self._converge(api, name, self.properties[self.METADATA])
        self.resource_id_set(name)

    def handle_update(self, json_snippet, tmpl_diff, prop_diff):
        if self.METADATA in prop_diff:
            self._converge(self.api(), self.resource_id,
                           prop_diff[self.METADATA] or {})

    def _converge(self, api, name, desired: dict) -> None:
        ops = rest.metadata_patch(api.get(self.path(name)), desired)
        if ops:
            api.patch(self.path(name), ops, rest.PATCH_MEDIA_TYPE)

    def handle_check(self):
        # GET answers for any topic name; the listing tells what exists.
        found = self.api().get(
            f'/v2/topics?name={rest.quoted(self.resource_id)}&limit=20')
        names = {t['name'] for t in found.get('topics', [])}
        if self.resource_id not in names:
            raise exception.Error(_('Topic %s is gone') % self.resource_id)

    def _resolve_attribute(self, name):
        if not self.resource_id:
            return None
        if name == self.HREF:
            return self.href()
        if name == self.METADATA_ATTR:
            return self.api().get(self.path())


def available_resource_mapping():
    return {'OS::Zaqar::Topic': Topic}
