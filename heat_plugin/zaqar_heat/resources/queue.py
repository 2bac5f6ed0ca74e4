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

"""OS::Zaqar::ManagedQueue: a queue with every reserved setting as a property.

Heat's own OS::Zaqar::Queue takes settings only as raw ``_``-prefixed
metadata. Here each setting is a typed, constrained property; all of them
change in place (one JSON-patch) except the name and the flavor, which fix
where the queue lives and so replace it.
"""

from __future__ import annotations

from heat.common import exception
from heat.common.i18n import _
from heat.engine import attributes, constraints, properties, support

from zaqar_heat import base, rest

# Smallest message ttl the API accepts (seconds).
MIN_MESSAGE_TTL = 60


class ManagedQueue(base.NamedMessagingResource):
    """A messaging queue whose reserved settings are typed properties."""

    support_status = support.SupportStatus(version='27.0.0')
    collection = 'queues'
    exists_method = 'HEAD'

    PROPERTIES = (
        NAME, METADATA, DEFAULT_MESSAGE_TTL, DEFAULT_MESSAGE_DELAY,
        MAX_MESSAGES_POST_SIZE, DEAD_LETTER_QUEUE,
        DEAD_LETTER_QUEUE_MESSAGES_TTL, MAX_CLAIM_COUNT, FLAVOR,
        ENCRYPT_MESSAGES,
    ) = (
        'name', 'metadata', 'default_message_ttl', 'default_message_delay',
        'max_messages_post_size', 'dead_letter_queue',
        'dead_letter_queue_messages_ttl', 'max_claim_count', 'flavor',
        'encrypt_messages',
    )

    # Property -> the reserved metadata key it sets.
    RESERVED_KEYS = {
        DEFAULT_MESSAGE_TTL: '_default_message_ttl',
        DEFAULT_MESSAGE_DELAY: '_default_message_delay',
        MAX_MESSAGES_POST_SIZE: '_max_messages_post_size',
        DEAD_LETTER_QUEUE: '_dead_letter_queue',
        DEAD_LETTER_QUEUE_MESSAGES_TTL: '_dead_letter_queue_messages_ttl',
        MAX_CLAIM_COUNT: '_max_claim_count',
        FLAVOR: '_flavor',
        ENCRYPT_MESSAGES: '_enable_encrypt_messages',
    }

    ATTRIBUTES = (HREF, METADATA_ATTR, MESSAGES) = (
        'href', 'metadata', 'messages')

    properties_schema = {
        NAME: properties.Schema(
            properties.Schema.STRING,
            _('Name of the queue; Heat makes one up when left out.'),
            constraints=base.name_constraints()),
        METADATA: properties.Schema(
            properties.Schema.MAP,
            _('Free-form metadata (keys may not start with "_": those are '
              'the settings below).'),
            default={}, update_allowed=True),
        DEFAULT_MESSAGE_TTL: properties.Schema(
            properties.Schema.INTEGER,
            _('Lifetime in seconds of a message posted without a ttl.'),
            constraints=[constraints.Range(min=MIN_MESSAGE_TTL)],
            update_allowed=True),
        DEFAULT_MESSAGE_DELAY: properties.Schema(
            properties.Schema.INTEGER,
            _('Seconds a message posted without a delay stays invisible.'),
            constraints=[constraints.Range(min=0)],
            update_allowed=True),
        MAX_MESSAGES_POST_SIZE: properties.Schema(
            properties.Schema.INTEGER,
            _('Largest accepted post, in bytes (at most the server limit).'),
            constraints=[constraints.Range(min=1)],
            update_allowed=True),
        DEAD_LETTER_QUEUE: properties.Schema(
            properties.Schema.STRING,
            _('Queue that receives messages claimed max_claim_count times.'),
            constraints=base.name_constraints(),
            update_allowed=True),
        DEAD_LETTER_QUEUE_MESSAGES_TTL: properties.Schema(
            properties.Schema.INTEGER,
            _('Lifetime in seconds of a message moved to the dead-letter '
              'queue (its original ttl when left out).'),
            constraints=[constraints.Range(min=MIN_MESSAGE_TTL)],
            update_allowed=True),
        MAX_CLAIM_COUNT: properties.Schema(
            properties.Schema.INTEGER,
            _('Claims after which a message goes to the dead-letter queue.'),
            constraints=[constraints.Range(min=1)],
            update_allowed=True),
        FLAVOR: properties.Schema(
            properties.Schema.STRING,
            _('Flavor whose pools hold the queue (fixed at creation).'),
            constraints=[constraints.CustomConstraint('zaqar.flavor')]),
        ENCRYPT_MESSAGES: properties.Schema(
            properties.Schema.BOOLEAN,
            _('Encrypt message bodies at rest (the server needs a key).'),
            update_allowed=True),
    }

    attributes_schema = {
        HREF: attributes.Schema(
            _('URL of the queue.'), type=attributes.Schema.STRING),
        METADATA_ATTR: attributes.Schema(
            _('Metadata as the service shows it, settings included.'),
            type=attributes.Schema.MAP,
            cache_mode=attributes.Schema.CACHE_NONE),
        MESSAGES: attributes.Schema(
            _('Message counts: free, claimed, total.'),
            type=attributes.Schema.MAP,
            cache_mode=attributes.Schema.CACHE_NONE),
    }

    def validate(self):
        super().validate()
        for key in self.properties[self.METADATA] or {}:
            if key.startswith('_'):
                raise exception.StackValidationFailed(message=_(
                    'metadata key "%s": keys starting with "_" are set by '
                    'their own properties') % key)
        dlq = self.properties[self.DEAD_LETTER_QUEUE]
        if dlq and dlq == self.properties[self.NAME]:
            raise exception.StackValidationFailed(message=_(
                'A queue cannot be its own dead-letter queue.'))
        if (self.properties[self.DEAD_LETTER_QUEUE_MESSAGES_TTL]
                is not None and not dlq):
            raise exception.StackValidationFailed(message=_(
                '%s needs dead_letter_queue.')
                % self.DEAD_LETTER_QUEUE_MESSAGES_TTL)

    def document(self, props) -> dict:
        """The queue's metadata for ``props``: free keys and settings."""
        doc = dict(props[self.METADATA] or {})
        for prop, key in self.RESERVED_KEYS.items():
            if props[prop] is not None:
                doc[key] = props[prop]
        return doc

    def handle_create(self):
        name = self.object_name()
        api = self.api()
        api.put(self.path(name), self.document(self.properties))
        if api.last_status != 201:
            # It was already there: make its metadata the template's.
            self._converge(api, name, self.document(self.properties))
        self.resource_id_set(name)

    def handle_update(self, json_snippet, tmpl_diff, prop_diff):
        if prop_diff:
            props = json_snippet.properties(self.properties_schema,
                                            self.context)
            self._converge(self.api(), self.resource_id,
                           self.document(props))

    def _converge(self, api, name, desired: dict) -> None:
        current = api.get(self.path(name))
        ops = rest.metadata_patch(current, desired)
        if ops:
            api.patch(self.path(name), ops, rest.PATCH_MEDIA_TYPE)

    def _resolve_attribute(self, name):
        if not self.resource_id:
            return None
        if name == self.HREF:
            return self.href()
        if name == self.METADATA_ATTR:
            return self.api().get(self.path())
        if name == self.MESSAGES:
            return self.api().get(self.path() + '/stats')['messages']


def available_resource_mapping():
    return {'OS::Zaqar::ManagedQueue': ManagedQueue}
