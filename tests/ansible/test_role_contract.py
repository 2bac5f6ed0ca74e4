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

"""The role's variables: documented, typed, and naming real options."""

from __future__ import annotations

import os
import unittest
from importlib import metadata

import yaml
from keystoneauth1 import loading

from tests.ansible import fixture

ROLE = os.path.join(fixture.PLAYBOOKS, 'roles', 'zaqar')
# Argument-spec types and the Python types of their defaults.
_TYPES = {'str': str, 'path': str, 'bool': bool, 'int': int,
          'list': list, 'dict': dict}
# oslo-config-generator namespaces of what zaqar-server loads.
_NAMESPACES = ('zaqar', 'oslo.log', 'keystonemiddleware.auth_token',
               'oslo.policy', 'oslo.messaging')
# The zaqar.conf groups the role writes literally (the store groups are
# named after the chosen drivers, see _zaqar_conf_stores).
_CONF_PARTS = ('_zaqar_conf_core', '_zaqar_conf_notifications',
               '_zaqar_conf_keystone')


def _load(*parts: str):
    with open(os.path.join(ROLE, *parts)) as f:
        return yaml.safe_load(f)


def _known_options() -> dict[str, set[str]]:
    """Every option zaqar-server reads, by group."""
    known: dict[str, set[str]] = {}

    def add(group, options):
        known.setdefault(group or 'DEFAULT', set()).update(
            o.dest for o in options)

    entry_points = metadata.entry_points(group='oslo.config.opts')
    for namespace in _NAMESPACES:
        (entry_point,) = entry_points.select(name=namespace)
        for group, options in entry_point.load()():
            add(getattr(group, 'name', group), options)
    # keystonemiddleware loads the auth plugin its auth_type names.
    add('keystone_authtoken',
        loading.get_auth_plugin_conf_options('password'))
    return known


class RoleVariablesTest(unittest.TestCase):
    """defaults/main.yml, meta/argument_specs.yml and vars/main.yml agree."""

    @classmethod
    def setUpClass(cls):
        cls.defaults = _load('defaults', 'main.yml')
        spec = _load('meta', 'argument_specs.yml')
        cls.spec = spec['argument_specs']['main']['options']
        cls.vars = _load('vars', 'main.yml')

    def test_every_default_has_an_argument_spec_and_back(self):
        self.assertEqual(sorted(self.defaults), sorted(self.spec))

    def test_every_argument_spec_is_described(self):
        for name, option in self.spec.items():
            with self.subTest(name=name):
                self.assertTrue(option.get('description'))

    def test_default_values_have_the_declared_types(self):
        for name, value in self.defaults.items():
            with self.subTest(name=name):
                declared = self.spec[name]['type']
                if isinstance(value, str) and '{{' in value:
                    continue  # templated: typed once rendered
                self.assertIsInstance(value, _TYPES[declared])
                if 'choices' in self.spec[name]:
                    self.assertIn(value, self.spec[name]['choices'])

    def test_every_public_variable_is_prefixed(self):
        for name in self.defaults:
            self.assertTrue(name.startswith('zaqar_'), name)
        for name in self.vars:
            self.assertTrue(name.startswith('_zaqar_'), name)

    def test_templated_options_exist_in_the_service(self):
        known = _known_options()
        for part in _CONF_PARTS:
            for group, options in self.vars[part].items():
                for option in options:
                    with self.subTest(group=group, option=option):
                        self.assertIn(option, known.get(group, set()))

    def test_store_groups_are_those_of_the_service(self):
        known = _known_options()
        for kind in ('message_store', 'management_store'):
            for driver in self.spec[f'zaqar_{kind}']['choices']:
                with self.subTest(kind=kind, driver=driver):
                    self.assertIn('uri', known[f'drivers:{kind}:{driver}'])

    def test_the_readme_lists_every_variable(self):
        with open(os.path.join(fixture.PLAYBOOKS, 'README.md')) as f:
            readme = f.read()
        for name in self.defaults:
            self.assertIn(f'| `{name}` |', readme)
