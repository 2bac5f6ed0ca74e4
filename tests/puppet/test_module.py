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

"""Static checks of puppet/: parser validation, puppet-lint, rspec-puppet."""

from __future__ import annotations

import glob
import os
import re
import subprocess
import unittest

from tests.puppet import sandbox

# rspec's closing line: "101 examples, 0 failures" (", 3 pending" may follow).
_RSPEC_SUMMARY = re.compile(r'^(\d+) examples?, (\d+) failures?', re.M)


def _run(cmd: list[str], timeout: float, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, check=False,
                          timeout=timeout, stdin=subprocess.DEVNULL, **kwargs)


def _manifests() -> list[str]:
    """manifests/ and examples/ (spec/fixtures links back to the module)."""
    return sorted(
        path for top in ('manifests', 'examples')
        for path in glob.glob(os.path.join(sandbox.MODULE, top, '**', '*.pp'),
                              recursive=True))


class PuppetModuleTest(unittest.TestCase):

    def test_every_manifest_parses(self):
        sandbox.require_tools(self, 'puppet')
        manifests = _manifests()
        self.assertGreater(len(manifests), 20)
        proc = _run(['puppet', 'parser', 'validate', '--color', 'false',
                     *manifests], 300)
        self.assertEqual(0, proc.returncode, proc.stdout + proc.stderr)

    def test_puppet_lint_is_clean(self):
        sandbox.require_tools(self, 'puppet-lint')
        proc = _run(['puppet-lint', '--fail-on-warnings', '--relative',
                     'manifests', 'examples'], 300, cwd=sandbox.MODULE)
        self.assertEqual(0, proc.returncode, proc.stdout + proc.stderr)
        self.assertEqual('', proc.stdout.strip())

    def test_rspec_puppet_specs_pass(self):
        sandbox.require_tools(self, 'rspec')
        proc = _run(['rspec', '--no-color', 'spec'], 900, cwd=sandbox.MODULE)
        output = proc.stdout + proc.stderr
        summary = _RSPEC_SUMMARY.search(output)
        self.assertIsNotNone(summary, output[-4000:])
        examples, failures = int(summary.group(1)), int(summary.group(2))
        self.assertEqual(0, proc.returncode, output[-8000:])
        self.assertEqual(0, failures, output[-8000:])
        # Every class and define has a spec that ran, several examples
        # each on average (101 when this was written).
        classes = [m for m in _manifests() if '/examples/' not in m]
        self.assertGreaterEqual(examples, 4 * len(classes), output[-2000:])
        specs = ' '.join(glob.glob(os.path.join(sandbox.MODULE, 'spec', '**',
                                                '*_spec.rb'), recursive=True))
        for manifest in _manifests():
            if '/examples/' in manifest:
                continue
            rel = os.path.relpath(manifest, os.path.join(sandbox.MODULE,
                                                         'manifests'))
            name = '::'.join(['zaqar', *rel[:-3].split(os.sep)])
            if name == 'zaqar::init':
                name = 'zaqar'
            with self.subTest(cls=name):
                self.assertTrue(
                    self._has_spec(name), f'no spec describes {name}')
        self.assertIn('zaqar_config_spec.rb', specs)

    @staticmethod
    def _has_spec(name: str) -> bool:
        pattern = re.compile(r"^describe '" + re.escape(name) + r"'", re.M)
        for path in glob.glob(os.path.join(sandbox.MODULE, 'spec', '**',
                                           '*_spec.rb'), recursive=True):
            with open(path) as f:
                if pattern.search(f.read()):
                    return True
        return False
