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

"""The checked-in etc/*.sample files match what the generators produce now."""

from __future__ import annotations

import os
import re
import tempfile
import unittest

from oslo_config import generator as config_generator
from oslo_policy import generator as policy_generator

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
ETC = os.path.join(ROOT, 'etc')
CONFIG_GENERATOR = os.path.join(ETC, 'oslo-config-generator', 'zaqar.conf')
POLICY_GENERATOR = os.path.join(ETC, 'oslo-config-generator',
                                'zaqar-policy.conf')
# Our own namespace: its text must match exactly. Library namespaces change
# wording between releases, so only their option names are compared.
OWN_NAMESPACE = 'zaqar'

_SECTION = re.compile(r'^\[([^\]]+)\]$', re.MULTILINE)
_NAMESPACE = re.compile(r'^#\n# From (\S+)\n#\n', re.MULTILINE)
_OPTION = re.compile(r'^#([A-Za-z0-9_-]+) = ', re.MULTILINE)

REGENERATE = ('etc/{0} is out of date: regenerate it with `tox -e {1}` '
              '(or the command in tox.ini [testenv:{1}]) and commit it.')


def chunks(text: str) -> dict[tuple[str, str], str]:
    """{(section, namespace): text} of an oslo-config-generator file."""
    result = {}
    sections = _SECTION.split(text)
    for section, body in zip(sections[1::2], sections[2::2]):
        parts = _NAMESPACE.split(body)
        for namespace, chunk in zip(parts[1::2], parts[2::2]):
            result[(section, namespace)] = chunk.strip()
    return result


def generate_config() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'zaqar.conf.sample')
        config_generator.main(['--config-file', CONFIG_GENERATOR,
                               '--output-file', out])
        with open(out) as f:
            return f.read()


def generate_policy() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'policy.yaml.sample')
        policy_generator.generate_sample(args=[
            '--config-file', POLICY_GENERATOR, '--output-file', out])
        with open(out) as f:
            return f.read()


def read(name: str) -> str:
    with open(os.path.join(ETC, name)) as f:
        return f.read()


class ConfigSampleTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.fresh = chunks(generate_config())
        cls.checked_in = chunks(read('zaqar.conf.sample'))

    def test_same_sections_and_namespaces(self):
        self.assertEqual(sorted(self.fresh), sorted(self.checked_in),
                         REGENERATE.format('zaqar.conf.sample', 'genconfig'))

    def test_own_options_match_exactly(self):
        for key, text in self.fresh.items():
            if key[1] == OWN_NAMESPACE:
                self.assertEqual(
                    text, self.checked_in.get(key),
                    f'[{key[0]}]: ' + REGENERATE.format(
                        'zaqar.conf.sample', 'genconfig'))

    def test_library_options_have_the_same_names(self):
        for key, text in self.fresh.items():
            if key[1] != OWN_NAMESPACE:
                self.assertEqual(
                    _OPTION.findall(text),
                    _OPTION.findall(self.checked_in.get(key, '')),
                    f'[{key[0]}] from {key[1]}: ' + REGENERATE.format(
                        'zaqar.conf.sample', 'genconfig'))

    def test_sample_parses_as_a_config_file(self):
        from oslo_config import cfg

        from zaqar.conf import opts
        conf = cfg.ConfigOpts()
        for group, options in opts.list_opts():
            conf.register_opts(options, group=group)
        conf([], default_config_files=[os.path.join(ETC,
                                                    'zaqar.conf.sample')])
        self.assertEqual(8888, conf['drivers:transport:wsgi'].port)
