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
