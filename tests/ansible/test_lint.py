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

"""ansible-lint (production profile) and --syntax-check on ansible/."""

from __future__ import annotations

import shutil
import tempfile
import unittest

from tests.ansible import base


class LintTest(unittest.TestCase):
    """The role and playbook are clean for the strictest checks."""

    def setUp(self):
        self.tools = base.tools()
        self.home = tempfile.mkdtemp(prefix='zaqar-ansible-lint-')
        self.addCleanup(shutil.rmtree, self.home, True)

    def test_ansible_lint_production_profile_passes(self):
        proc = self.tools.run('ansible-lint',
                              ['--offline', '--profile', 'production',
                               '--nocolor', 'site.yml', 'roles/zaqar'],
                              self.home)
        self.assertEqual(0, proc.returncode, proc.stdout + proc.stderr)
        self.assertIn("Profile 'production' was required", proc.stderr
                      + proc.stdout)

    def test_playbook_syntax_check_passes(self):
        proc = self.tools.run('ansible-playbook',
                              ['--syntax-check', '-i',
                               'inventory/example.yml', 'site.yml'],
                              self.home)
        self.assertEqual(0, proc.returncode, proc.stdout + proc.stderr)
        self.assertIn('playbook: site.yml', proc.stdout)
