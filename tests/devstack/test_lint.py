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

"""The plugin's shell files parse, and pass shellcheck and bashate.

shellcheck (Debian package, .ci/apt.d/devstack.txt) and bashate (the
[test] extra) missing skip locally and fail in CI. bashate runs with
DevStack's own choice of checks: long lines allowed (E006), E005 (no
shebang) and E042 (``local x=$(...)`` hiding failures) as errors.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import unittest

from tests import backends
from tests.devstack import harness

PLUGIN_FILES = [os.path.join(harness.ROOT, 'devstack', name)
                for name in ('plugin.sh', 'settings', 'lib/zaqar')]
HARNESS_FILES = [os.path.join(harness.HERE, name)
                 for name in ('standins.sh', 'stack.sh')]


def _tool(testcase: unittest.TestCase, name: str) -> str:
    here = os.path.join(os.path.dirname(sys.executable), name)
    path = here if os.path.exists(here) else shutil.which(name)
    if path is None:
        message = f'{name} is not installed'
        if backends.required():
            testcase.fail(message)
        testcase.skipTest(message)
    return path


class PluginLintTest(unittest.TestCase):

    def run_tool(self, cmd: list[str]) -> None:
        proc = subprocess.run(cmd, capture_output=True, text=True,
                              cwd=harness.ROOT, timeout=120, check=False)
        self.assertEqual(0, proc.returncode,
                         f'{" ".join(cmd[:2])}:\n{proc.stdout}{proc.stderr}')

    def test_every_shell_file_parses(self):
        for path in PLUGIN_FILES + HARNESS_FILES:
            with self.subTest(path=path):
                self.run_tool(['bash', '-n', path])

    def test_shellcheck_finds_nothing(self):
        tool = _tool(self, 'shellcheck')
        self.run_tool([tool, '--shell=bash', '--external-sources',
                       *[os.path.relpath(p, harness.ROOT)
                         for p in PLUGIN_FILES + HARNESS_FILES]])

    def test_bashate_finds_nothing(self):
        tool = _tool(self, 'bashate')
        self.run_tool([tool, '-v', '--ignore', 'E006', '--error',
                       'E005,E042', *PLUGIN_FILES, *HARNESS_FILES])
