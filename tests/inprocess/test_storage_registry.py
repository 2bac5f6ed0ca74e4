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

"""Storage drivers describe themselves; bootstrap and pools ask the registry."""

from __future__ import annotations

import sys

import testtools
from oslo_config import cfg

import zaqar.conf
from tests.inprocess import entry_points
from zaqar import bootstrap
from zaqar.common.errors import ConfigError
from zaqar.conf import stores
from zaqar.storage import loader

_DRIVER = '''
from zaqar.storage.sqlalchemy import driver


class DataDriver(driver.DataDriver):
    name = 'lite'
    uri_schemes = ('lite',)
'''


_OPTIONS = '''
from oslo_config import cfg


def list_opts():
    return [cfg.StrOpt('uri', default='lite:///here'),
            cfg.IntOpt('pages', default=7)]
'''


def _conf(**drivers) -> cfg.ConfigOpts:
    conf = cfg.ConfigOpts()
    zaqar.conf.register_opts(conf)
    conf([], project='zaqar', default_config_files=[])
    for name, value in drivers.items():
        conf.set_override(name, value, group='drivers')
    return conf


class DriverRegistryTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        loader._scheme_drivers.cache_clear()
        self.addCleanup(loader._scheme_drivers.cache_clear)

    def test_every_selectable_driver_names_a_registered_group(self):
        conf = _conf()
        for namespace in (loader.DATA_NAMESPACE, loader.CONTROL_NAMESPACE):
            for name in loader.driver_names(namespace):
                cls = loader.driver_class(namespace, name)
                if name == 'pooled':
                    self.assertIsNone(cls.option_group)
                    continue
                self.assertIn('uri', conf[cls.option_group], name)

    def test_pool_uris_pick_their_driver(self):
        for uri, name in (('sqlite:///x.db', 'sqlalchemy'),
                          ('postgresql+psycopg://h/db', 'sqlalchemy'),
                          ('redis+sentinel://h:26379', 'redis'),
                          ('mongodb+srv://cluster', 'mongodb')):
            self.assertEqual(name, loader.driver_name_for_uri(uri), uri)
        self.assertRaises(loader.UnknownDriver, loader.driver_name_for_uri,
                          'ftp://host')

    def test_a_new_driver_brings_its_uri_scheme(self):
        entry_points.install(self, _DRIVER, {
            loader.DATA_NAMESPACE: 'lite = {module}:DataDriver'})
        self.assertEqual('lite', loader.driver_name_for_uri('lite:///x'))
        self.assertIn('lite', loader.driver_names(loader.DATA_NAMESPACE))

    def test_a_new_driver_brings_its_options(self):
        entry_points.install_package(self, {'driver': _DRIVER,
                                            'options': _OPTIONS}, {
            loader.DATA_NAMESPACE: 'lite = {module}.driver:DataDriver',
            loader.CONTROL_NAMESPACE: 'lite = {module}.driver:DataDriver'})
        stores._option_modules.cache_clear()
        self.addCleanup(stores._option_modules.cache_clear)
        conf = _conf()
        self.assertEqual(7, conf['drivers:message_store:lite'].pages)
        self.assertEqual('lite:///here',
                         conf['drivers:management_store:lite'].uri)
        # Listing options imported the options module, not the driver.
        self.assertNotIn(
            next(name for name in sys.modules
                 if name.startswith('zaqar_test_plugin_')
                 and name.endswith('.options')).replace('.options',
                                                        '.driver'),
            sys.modules)

    def test_unknown_or_unselectable_stores_are_refused_by_name(self):
        for name in ('swift', 'pooled', 'nosuch'):
            error = self.assertRaises(
                ConfigError, bootstrap.storage_from_conf,
                _conf(message_store=name))
            self.assertIn(f'message_store = {name!r} is not one of',
                          str(error))
            self.assertIn('sqlalchemy', str(error))
            self.assertNotIn('pooled,', str(error))

    def test_a_network_store_needs_its_uri(self):
        error = self.assertRaises(ConfigError, bootstrap.storage_from_conf,
                                  _conf(message_store='mongodb'))
        self.assertEqual('[drivers:message_store:mongodb] uri must be set.',
                         str(error))
