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

"""Puppet runs isolated from the host's Puppet state, for tests.

Each sandbox has its own confdir/vardir/codedir and a modulepath where
puppet/ appears under its module name (``zaqar``) ahead of Debian's
modules, so test runs never share Puppet state with each other or with the
machine. A missing tool skips locally and fails in CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import unittest

import yaml

from tests import backends

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MODULE = os.path.join(ROOT, 'puppet')
# Where Debian's puppet-module-* packages install.
SYSTEM_MODULES = '/usr/share/puppet/modules'
# The Debian packages the tests need (also in .ci/apt.d/puppet.txt).
TOOLS = ('puppet', 'puppet-lint', 'rspec')


def require_tools(testcase: unittest.TestCase, *tools: str) -> None:
    """Skip (locally) or fail (CI) when a tool or a needed module is missing."""
    missing = [t for t in tools if shutil.which(t) is None]
    for module in ('stdlib', 'inifile', 'openstacklib', 'oslo', 'keystone'):
        if not os.path.isdir(os.path.join(SYSTEM_MODULES, module)):
            missing.append(f'puppet module {module}')
    if missing:
        message = 'missing: ' + ', '.join(missing)
        if backends.required():
            testcase.fail(message)
        testcase.skipTest(message)


class Sandbox:
    """A private Puppet environment in a temporary directory."""

    def __init__(self, prefix: str = 'zaqar-puppet-'):
        self.dir = tempfile.mkdtemp(prefix=prefix)
        self.modules = os.path.join(self.dir, 'modules')
        os.makedirs(self.modules)
        os.symlink(MODULE, os.path.join(self.modules, 'zaqar'))
        self.hiera_data = os.path.join(self.dir, 'hieradata')
        os.makedirs(self.hiera_data)
        self.hiera_config = os.path.join(self.dir, 'hiera.yaml')
        with open(self.hiera_config, 'w') as f:
            yaml.safe_dump({
                'version': 5,
                'defaults': {'datadir': self.hiera_data,
                             'data_hash': 'yaml_data'},
                'hierarchy': [{'name': 'test', 'path': 'common.yaml'}],
            }, f)

    def path(self, *parts: str) -> str:
        return os.path.join(self.dir, *parts)

    def write_hiera(self, data: dict) -> None:
        with open(os.path.join(self.hiera_data, 'common.yaml'), 'w') as f:
            yaml.safe_dump(data, f, default_flow_style=False)

    def puppet_args(self) -> list[str]:
        state = self.path('puppet')
        return ['--confdir', os.path.join(state, 'etc'),
                '--codedir', os.path.join(state, 'code'),
                '--vardir', os.path.join(state, 'var'),
                '--logdir', os.path.join(state, 'log'),
                '--rundir', os.path.join(state, 'run'),
                '--modulepath', f'{self.modules}:{SYSTEM_MODULES}',
                '--hiera_config', self.hiera_config,
                '--color', 'false']

    def apply(self, manifest: str, env: dict | None = None,
              timeout: float = 900) -> subprocess.CompletedProcess:
        """``puppet apply --detailed-exitcodes`` of ``manifest``."""
        return subprocess.run(
            ['puppet', 'apply', '--detailed-exitcodes', *self.puppet_args(),
             manifest],
            capture_output=True, text=True, timeout=timeout, env=env,
            stdin=subprocess.DEVNULL, check=False)

    def cleanup(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
