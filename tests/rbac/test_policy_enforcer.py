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

"""Policy in code: rule hygiene, the oslopolicy tools, scope enforcement."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest

from oslo_config import cfg
from oslo_policy import policy as oslo_policy

import zaqar.conf
from zaqar import bootstrap, policies
from zaqar.api import context as zcontext
from zaqar.common import errors

BIN = os.path.dirname(sys.executable)


class RuleHygieneTest(unittest.TestCase):

    def test_every_api_rule_is_documented_and_project_scoped(self):
        for rule in policies.list_rules():
            if not isinstance(rule, oslo_policy.DocumentedRuleDefault):
                continue
            with self.subTest(rule.name):
                self.assertTrue(rule.description)
                self.assertTrue(rule.operations)
                self.assertEqual(['project'], rule.scope_types)
                self.assertTrue(rule.check_str)

    def test_names_are_unique(self):
        names = [r.name for r in policies.list_rules()]
        self.assertEqual(len(names), len(set(names)))


class PolicyToolsTest(unittest.TestCase):
    """The oslopolicy-* console scripts find our entry points."""

    def run_tool(self, name: str, *args: str) -> str:
        proc = subprocess.run([os.path.join(BIN, name), *args],
                              capture_output=True, text=True, timeout=120,
                              check=False)
        self.assertEqual(0, proc.returncode, proc.stderr)
        return proc.stdout

    def test_sample_generator(self):
        out = self.run_tool('oslopolicy-sample-generator',
                            '--namespace', 'zaqar')
        for rule in policies.list_rules():
            self.assertIn(f'#"{rule.name}": ', out)

    def test_policy_generator_uses_the_enforcer_entry_point(self):
        out = self.run_tool('oslopolicy-policy-generator',
                            '--namespace', 'zaqar')
        self.assertIn('"health:get": "role:admin"', out)
        self.assertIn('"queues:share": "rule:context_is_admin or '
                      'rule:project_member or rule:heat_stack_user"', out)


class ScopeEnforcementTest(unittest.TestCase):
    """Token scope on the real Service.authorize.

    oslo.policy 6 always enforces ``scope_types`` (its ``enforce_scope``
    option is gone; a config file that still sets it loads fine): every API
    rule is project-scoped, so a system- or domain-scoped token is refused.
    """

    def setUp(self):
        super().setUp()
        tmp = tempfile.mkdtemp(prefix='zaqar-scope-')
        self.addCleanup(shutil.rmtree, tmp, True)
        path = os.path.join(tmp, 'zaqar.conf')
        with open(path, 'w') as f:
            f.write(textwrap.dedent(f"""\
                [drivers]
                message_store = sqlalchemy
                management_store = sqlalchemy
                [drivers:message_store:sqlalchemy]
                uri = sqlite:///{tmp}/z.db
                [oslo_policy]
                enforce_scope = true
                """))
        conf = cfg.ConfigOpts()
        zaqar.conf.register_opts(conf)
        conf([], default_config_files=[path])
        self.svc = bootstrap.service_from_conf(conf, background=False)
        self.addCleanup(self.svc.storage.close)

    def ctx(self, **kwargs):
        return zcontext.RequestContext(client_id='c', **kwargs)

    def test_project_token_is_allowed(self):
        self.svc.authorize('queues:create', self.ctx(project_id='p',
                                                     roles=['member']))
        self.svc.authorize('health:get', self.ctx(project_id='p',
                                                  roles=['admin']))

    def test_system_token_is_refused(self):
        with self.assertRaises(errors.Forbidden):
            self.svc.authorize('health:get', self.ctx(system_scope='all',
                                                      roles=['admin']))

    def test_domain_token_is_refused(self):
        with self.assertRaises(errors.Forbidden):
            self.svc.authorize('queues:get_all', self.ctx(
                domain_id='default', roles=['admin']))
