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

"""Every option the reference zaqar 23.0.1 accepts is accepted here too.

``reference_options.json`` holds the reference's groups, names, defaults
and deprecated aliases (regenerate with make_reference_options.py).
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import os
import pkgutil
import tempfile
import unittest

from oslo_config import cfg

import zaqar.conf
from zaqar.conf import opts

HERE = os.path.dirname(os.path.abspath(__file__))
GENERATOR_CONF = os.path.join(HERE, '..', '..', '..', 'etc',
                              'oslo-config-generator', 'zaqar.conf')
OWN = 'zaqar'

# Defaults we differ on on purpose, and why.
DELIBERATE_DEFAULTS = {
    # Unset means a SQLite file in the data directory, not a memory db.
    ('drivers:management_store:sqlalchemy', 'uri'): None,
    # No built-in encryption key: an operator must set one.
    ('transport', 'message_encryption_key'): '',
}


def load_fixture() -> dict:
    with open(os.path.join(HERE, 'reference_options.json')) as f:
        return json.load(f)


def key(name: str) -> str:
    """How a config file spells an option: oslo.config reads the dest.

    The reference names a few options with dashes (``external-port``);
    files still spell them with underscores, so names compare that way.
    """
    return name.replace('-', '_')


def by_group(pairs) -> dict[str, dict[str, cfg.Opt]]:
    """{group name: {option key: Opt}} from list_opts()-style pairs."""
    result: dict[str, dict[str, cfg.Opt]] = {}
    for group, options in pairs:
        if isinstance(group, cfg.OptGroup):
            group = group.name
        names = result.setdefault(group or 'DEFAULT', {})
        for opt in options:
            names[key(opt.name)] = opt
    return result


def namespace_options(namespace: str) -> dict[str, dict[str, cfg.Opt]]:
    """The options a library (or we) publish under ``namespace``."""
    for entry in importlib.metadata.entry_points(group='oslo.config.opts'):
        if entry.name == namespace:
            return by_group(entry.load()())
    raise LookupError(f'no oslo.config.opts entry point {namespace!r}')


def generator_namespaces() -> list[str]:
    # Repeated "namespace =" keys: read them line by line.
    with open(GENERATOR_CONF) as f:
        text = f.read()
    return [line.split('=', 1)[1].strip() for line in text.splitlines()
            if line.replace(' ', '').startswith('namespace=')]


class ReferenceOptionsTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.fixture = load_fixture()['namespaces']
        cls.ours = by_group(opts.list_opts())

    def test_every_reference_option_is_registered(self):
        missing = [f'[{group}] {name}'
                   for group, names in self.fixture[OWN].items()
                   for name in names
                   if key(name) not in self.ours.get(group, {})]
        self.assertEqual([], missing)

    def test_defaults_match_the_reference(self):
        differ = []
        for group, names in self.fixture[OWN].items():
            for name, ref in names.items():
                ours = self.ours[group][key(name)].default
                expected = DELIBERATE_DEFAULTS.get((group, name),
                                                   ref['default'])
                if ours != expected:
                    differ.append(f'[{group}] {name}: {ours!r} != '
                                  f'{expected!r}')
        self.assertEqual([], differ)

    def test_deprecated_names_are_aliases(self):
        for group, names in self.fixture[OWN].items():
            for name, ref in names.items():
                aliases = {(d.group or group, d.name) for d in
                           self.ours[group][key(name)].deprecated_opts}
                for alias in ref.get('deprecated', []):
                    self.assertIn(tuple(alias), aliases,
                                  f'[{group}] {name}')

    def test_reference_config_file_loads(self):
        # A file written for the reference (deprecated aliases included)
        # parses into our options.
        text = (
            '[DEFAULT]\nsharding = true\n'
            '[drivers]\nstorage = redis\n'
            '[drivers:transport:websocket]\nexternal_port = 9443\n'
            'notification_port = 9100\n'
            '[notification]\nsmtp_mode = self_local\n'
            '[pooling:catalog]\nenable_virtual_pool = true\n'
            '[drivers:message_store:swift]\nregion_name = r1\n')
        conf = cfg.ConfigOpts()
        zaqar.conf.register_opts(conf)
        with tempfile.NamedTemporaryFile('w', suffix='.conf') as f:
            f.write(text)
            f.flush()
            conf(['--config-file', f.name])
        self.assertTrue(conf.pooling)
        self.assertEqual('redis', conf.drivers.message_store)
        ws = conf['drivers:transport:websocket']
        self.assertEqual(9443, ws.external_port)
        self.assertEqual(9100, ws.notification_port)
        self.assertEqual('self_local', conf.notification.smtp_mode)
        self.assertTrue(conf['pooling:catalog'].enable_virtual_pool)
        self.assertEqual('r1', conf['drivers:message_store:swift']
                         .region_name)


class LibraryOptionsTest(unittest.TestCase):
    """Options the reference takes from libraries are in our sample too."""

    def test_generator_lists_every_reference_namespace(self):
        listed = generator_namespaces()
        for namespace in load_fixture()['namespaces']:
            self.assertIn(namespace, listed)

    def test_library_namespaces_provide_the_reference_options(self):
        for namespace, groups in load_fixture()['namespaces'].items():
            if namespace == OWN:
                continue
            provided = namespace_options(namespace)
            missing = [f'[{group}] {name}' for group, names in groups.items()
                       for name in names
                       if key(name) not in provided.get(group, {})]
            self.assertEqual([], missing, namespace)


class OptsModuleTest(unittest.TestCase):

    def test_every_module_with_options_is_listed(self):
        # Helpers (paths, library defaults) have no list_opts of their own.
        listed = {m.__name__.rsplit('.', 1)[1] for m in opts._MODULES}
        found = set()
        for _, name, _ in pkgutil.iter_modules(zaqar.conf.__path__):
            module = importlib.import_module(f'zaqar.conf.{name}')
            if name != 'opts' and hasattr(module, 'list_opts'):
                found.add(name)
        self.assertEqual(found, listed)

    def test_modules_are_alphabetical(self):
        names = [m.__name__ for m in opts._MODULES]
        self.assertEqual(sorted(names), names)

    def test_every_option_has_help(self):
        for group, options in opts.list_opts():
            for opt in options:
                self.assertTrue(opt.help, f'[{group}] {opt.name}')
