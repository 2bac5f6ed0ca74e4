"""Flavors (admin): create/update documents and representations."""

from __future__ import annotations

from zaqar.schemas import common

CAPABILITIES = ['FIFO', 'CLAIMS', 'DURABILITY', 'AOD', 'HIGH_THROUGHPUT']

CREATE = {
    'type': 'object',
    'required': ['pool_list'],
    'properties': {
        'pool_list': {'type': 'array', 'items': {'type': 'string'}},
        'capabilities': {'type': 'object'},
    },
    'additionalProperties': False,
}

UPDATE = {
    'type': 'object',
    'required': ['pool_list'],
    'properties': {
        'pool_list': {'type': 'array', 'items': {'type': 'string'}},
        'capabilities': {'type': 'object'},
    },
    'additionalProperties': False,
}

FLAVOR = {
    'type': 'object',
    'required': ['name', 'pool_list', 'href'],
    'properties': {
        'name': {'type': 'string'},
        'pool_list': {'type': 'array', 'items': {'type': 'string'}},
        'capabilities': {'type': 'array', 'items': {'enum': CAPABILITIES}},
        'href': common.HREF,
    },
}

LIST = {
    'type': 'object',
    'required': ['links', 'flavors'],
    'properties': {
        'links': common.LINKS,
        'flavors': {'type': 'array', 'items': FLAVOR},
    },
    'additionalProperties': False,
}

SCHEMAS = {'CREATE': CREATE, 'UPDATE': UPDATE, 'FLAVOR': FLAVOR,
           'LIST': LIST}
