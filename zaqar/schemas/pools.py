"""Pools (admin): registration/update documents and representations."""

from __future__ import annotations

from zaqar.schemas import common

_PROPERTIES = {
    'weight': {'type': 'integer', 'minimum': 0, 'maximum': 2 ** 32 - 1},
    'uri': {'type': 'string', 'minLength': 1, 'maxLength': 255},
    'flavor': {'type': ['string', 'null'], 'maxLength': 255},
    'options': {'type': 'object'},
}

CREATE = {
    'type': 'object',
    'required': ['weight', 'uri'],
    'properties': _PROPERTIES,
    'additionalProperties': False,
}

UPDATE = {
    'type': 'object',
    'minProperties': 1,
    'properties': _PROPERTIES,
    'additionalProperties': False,
}

POOL = {
    'type': 'object',
    'required': ['name', 'uri', 'weight', 'href'],
    'properties': {
        'name': {'type': 'string'},
        'uri': {'type': 'string'},
        'weight': {'type': 'integer'},
        'flavor': {'type': ['string', 'null']},
        'href': common.HREF,
        'options': {'type': 'object'},
    },
}

LIST = {
    'type': 'object',
    'required': ['links', 'pools'],
    'properties': {
        'links': common.LINKS,
        'pools': {'type': 'array', 'items': POOL},
    },
    'additionalProperties': False,
}

SCHEMAS = {'CREATE': CREATE, 'UPDATE': UPDATE, 'POOL': POOL, 'LIST': LIST}
