"""Signed URLs: the share request and the signed answer."""

from __future__ import annotations

PATHS = ['messages', 'subscriptions', 'claims']
METHODS = ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'DELETE', 'PATCH']

REQUEST = {
    'type': 'object',
    'properties': {
        'paths': {'type': 'array', 'items': {'enum': PATHS}},
        'methods': {'type': 'array', 'items': {'enum': METHODS}},
        'expires': {'type': 'string',
                    'pattern': r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d'},
    },
    'additionalProperties': False,
}

RESPONSE = {
    'type': 'object',
    'required': ['paths', 'methods', 'project', 'expires', 'signature'],
    'properties': {
        'paths': {'type': 'array', 'items': {'type': 'string',
                                             'pattern': '^/v2/queues/'}},
        'methods': {'type': 'array', 'items': {'enum': METHODS}},
        'project': {'type': 'string'},
        'expires': {'type': 'string',
                    'pattern': r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$'},
        'signature': {'type': 'string', 'pattern': '^[0-9a-f]{64}$'},
    },
}

SCHEMAS = {'REQUEST': REQUEST, 'RESPONSE': RESPONSE}
