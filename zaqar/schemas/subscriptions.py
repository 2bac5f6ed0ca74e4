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

"""Subscriptions: create/update/confirm documents and representations."""

from __future__ import annotations

import re

from zaqar.schemas import common

MIN_TTL = 60

_RETRY_INT = {'type': 'integer', 'minimum': 0,
              'x-error': {'type': 'RetryPolicyNotInt',
                          'minimum': 'RetryPolicyNegative'}}

# Per-field rules; that the delays leave room for the backoff steps is
# checked by zaqar.notification.retry.validate, which also words these.
_RETRY_POLICY = {
    'type': ['object', 'null'],
    'properties': {
        'retries_with_no_delay': _RETRY_INT,
        'minimum_delay_retries': _RETRY_INT,
        'minimum_delay': _RETRY_INT,
        'maximum_delay': _RETRY_INT,
        'maximum_delay_retries': _RETRY_INT,
        'retry_backoff_function': {
            'type': ['string', 'null'],
            'enum': ['linear', 'arithmetic', 'exponential', 'geometric',
                     None],
            'x-error': {'type': 'RetryBackoffNotString',
                        'enum': 'RetryBackoffUnknown'}},
        'ignore_subscription_override': {
            'type': ['boolean', 'null'],
            'x-error': {'type': 'RetryOverrideNotBool'}},
    },
    'x-error': {'type': 'RetryPolicyNotDict'},
}

# null is "no options" (Heat sends it when a template leaves them out).
OPTIONS = {
    'type': ['object', 'null'],
    'properties': {'_retry_policy': _RETRY_POLICY},
    'x-error': {'type': 'OptionsNotDict'},
}

MAX_SUBSCRIBER_LENGTH = 2048


def _any_case(text: str) -> str:
    """``text`` as a pattern matching it in any letter case (a URI scheme
    is case-insensitive; JSON Schema patterns have no flags)."""
    return ''.join(f'[{c.lower()}{c.upper()}]' if c.isalpha()
                   else re.escape(c) for c in text)


@common.per_limits
def subscriber(limits) -> dict:
    """A subscriber URI: one of the schemes of [transport]
    subscriber_types. Whether a scheme is installed, its own URI rules
    and the destination allowlist are checked by zaqar.api.subscriptions."""
    allowed = list(limits.subscriber_types)
    schemes = '|'.join(_any_case(t) for t in allowed)
    return {'type': 'string', 'pattern': f'^(?:{schemes}):',
            'maxLength': MAX_SUBSCRIBER_LENGTH,
            'x-fields': {'allowed': allowed},
            'x-error': {'type': 'SubscriberType', 'pattern': 'SubscriberType',
                        'maxLength': 'SubscriberTooLong'}}


# 0 or null: the configured default_subscription_ttl. Beyond the largest
# date a store keeps, refused by zaqar.api.subscriptions (depends on now).
TTL = {'type': ['integer', 'null'], 'anyOf': [{'const': 0},
                                              {'minimum': MIN_TTL}],
       'x-fields': {'minimum': MIN_TTL},
       'x-error': {'type': 'SubscriptionTTLNotInt',
                   'anyOf': 'SubscriptionTTL'}}


@common.per_limits
def create(limits) -> dict:
    return {
        'type': 'object',
        'required': ['subscriber'],
        'properties': {
            'subscriber': subscriber(limits),
            'ttl': TTL,
            'options': OPTIONS,
        },
        'x-error': {'type': 'SubscriptionNotDict',
                    'required': 'SubscriberMissing'},
    }


@common.per_limits
def update(limits) -> dict:
    """Update: null for a field means "leave it" (the reference's CLI
    sends every field)."""
    nullable = dict(subscriber(limits), type=['string', 'null'])
    return {
        'type': 'object',
        'minProperties': 1,
        'properties': {
            'subscriber': nullable,
            'ttl': TTL,
            'options': OPTIONS,
            'rotate_secret': {'type': ['boolean', 'null'],
                              'x-error': 'RotateSecretNotBool'},
        },
        'additionalProperties': False,
        'x-error': {'type': 'SubscriptionNotDict',
                    'minProperties': 'SubscriptionUpdateEmpty',
                    'additionalProperties': 'SubscriptionUpdateKeys'},
    }


# A WebSocket push subscription (zaqar.api.connection_subscriptions):
# no subscriber, the connection is the destination.
CONNECTION = {
    'type': 'object',
    'properties': {'ttl': TTL, 'options': OPTIONS},
    'x-error': {'type': 'SubscriptionNotDict'},
}

CREATE = create(common.DEFAULTS)
SUBSCRIBER = CREATE['properties']['subscriber']
UPDATE = update(common.DEFAULTS)

CREATE_RESPONSE = {
    'type': 'object',
    'required': ['subscription_id'],
    'properties': {'subscription_id': {'type': 'string', 'minLength': 1}},
}

CONFIRM = {
    'type': 'object',
    'required': ['confirmed'],
    'properties': {'confirmed': {'type': 'boolean'}},
    'x-error': 'ConfirmedNotBool',
}

SUBSCRIPTION = {
    'type': 'object',
    'required': ['id', 'source', 'subscriber', 'ttl', 'age', 'options',
                 'confirmed'],
    'properties': {
        'id': {'type': 'string'},
        'source': common.NAME,
        'subscriber': {'type': 'string'},
        'ttl': {'type': 'integer'},
        'age': common.SECONDS,
        'options': {'type': 'object'},
        'confirmed': {'type': 'boolean'},
    },
}

LIST = {
    'type': 'object',
    'required': ['subscriptions', 'links'],
    'properties': {
        'subscriptions': {'type': 'array', 'items': SUBSCRIPTION},
        'links': common.LINKS,
    },
    'additionalProperties': False,
}

SCHEMAS = {
    'CREATE': CREATE,
    'CREATE_RESPONSE': CREATE_RESPONSE,
    'UPDATE': UPDATE,
    'CONFIRM': CONFIRM,
    'SUBSCRIPTION': SUBSCRIPTION,
    'LIST': LIST,
}
