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

from zaqar.schemas import common

MIN_TTL = 60

_RETRY_POLICY = {
    'type': 'object',
    'properties': {
        'retries_with_no_delay': {'type': 'integer'},
        'minimum_delay_retries': {'type': 'integer'},
        'minimum_delay': {'type': 'integer'},
        'maximum_delay': {'type': 'integer'},
        'maximum_delay_retries': {'type': 'integer'},
        'retry_backoff_function': {
            'enum': ['linear', 'arithmetic', 'exponential', 'geometric']},
        'ignore_subscription_override': {'type': 'boolean'},
    },
}

OPTIONS = {
    'type': 'object',
    'properties': {'_retry_policy': _RETRY_POLICY},
}

# Subscriber URIs: the schemes of [transport] subscriber_types.
SUBSCRIBER = {
    'type': 'string',
    'pattern': r'^(https?|mailto|trust\+https?):',
}

CREATE = {
    'type': 'object',
    'required': ['subscriber'],
    'properties': {
        'subscriber': SUBSCRIBER,
        'ttl': {'type': 'integer', 'minimum': MIN_TTL},
        'options': OPTIONS,
    },
}

CREATE_RESPONSE = {
    'type': 'object',
    'required': ['subscription_id'],
    'properties': {'subscription_id': {'type': 'string', 'minLength': 1}},
}

UPDATE = {
    'type': 'object',
    'minProperties': 1,
    'properties': {
        'subscriber': SUBSCRIBER,
        'ttl': {'type': 'integer', 'minimum': MIN_TTL},
        'options': OPTIONS,
    },
    'additionalProperties': False,
}

CONFIRM = {
    'type': 'object',
    'required': ['confirmed'],
    'properties': {'confirmed': {'type': 'boolean'}},
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
