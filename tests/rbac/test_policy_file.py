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

"""[oslo_policy] settings change the API's answers on a live server."""

from __future__ import annotations

import os
import shutil
import tempfile
import time

from tests.rbac import live

TIGHTEN_AND_RELAX = '''\
# Only admins may list queues; readers may post messages.
"queues:get_all": "role:admin"
"messages:create": "rule:project_reader"
'''


class PolicyFileTest(live.LiveServerCase):
    """A policy file overrides single rules and leaves the others alone."""

    @classmethod
    def setUpClass(cls):
        cls.policy_dir = tempfile.mkdtemp(prefix='zaqar-policy-')
        cls.addClassCleanup(shutil.rmtree, cls.policy_dir, True)
        cls.policy_file = os.path.join(cls.policy_dir, 'policy.yaml')
        with open(cls.policy_file, 'w') as f:
            f.write(TIGHTEN_AND_RELAX)
        cls.sections = f'[oslo_policy]\npolicy_file = {cls.policy_file}\n'
        super().setUpClass()

    def setUp(self):
        super().setUp()
        self.project = live.new_project('pf')

    def test_tightened_rule_refuses_a_member(self):
        resp = self.caller(self.project, 'member').get('/v2/queues')
        self.assertEqual(403, resp.status_code, resp.text)
        resp = self.caller(self.project, 'admin').get('/v2/queues')
        self.assertEqual(200, resp.status_code, resp.text)

    def test_relaxed_rule_lets_a_reader_post(self):
        resp = self.caller(self.project, 'reader').post(
            '/v2/queues/pq/messages', json={'messages': [{'body': 1}]})
        self.assertEqual(201, resp.status_code, resp.text)

    def test_rules_not_in_the_file_keep_their_defaults(self):
        reader = self.caller(self.project, 'reader')
        self.assertEqual(403, reader.delete('/v2/queues/pq').status_code)
        self.assertEqual(200, reader.get('/v2/queues/pq/stats').status_code)


class PolicyFileReloadTest(live.LiveServerCase):
    """Editing the policy file changes answers without a restart."""

    @classmethod
    def setUpClass(cls):
        cls.policy_dir = tempfile.mkdtemp(prefix='zaqar-policy-')
        cls.addClassCleanup(shutil.rmtree, cls.policy_dir, True)
        cls.policy_file = os.path.join(cls.policy_dir, 'policy.yaml')
        with open(cls.policy_file, 'w') as f:
            f.write('"queues:stats": "role:admin"\n')
        cls.sections = f'[oslo_policy]\npolicy_file = {cls.policy_file}\n'
        super().setUpClass()

    def test_edit_takes_effect(self):
        reader = self.caller(live.new_project('pr'), 'reader')
        self.assertEqual(403, reader.get('/v2/queues/q/stats').status_code)
        with open(self.policy_file, 'w') as f:
            f.write('"queues:stats": "rule:project_reader"\n')
        later = time.time() + 5
        os.utime(self.policy_file, (later, later))
        self.assertEqual(200, reader.get('/v2/queues/q/stats').status_code)


class LegacyDefaultsTest(live.LiveServerCase):
    """enforce_new_defaults = false also accepts the reference's open rules."""

    sections = '[oslo_policy]\nenforce_new_defaults = false\n'

    def test_project_operations_are_open_again(self):
        project = live.new_project('legacy')
        reader = self.caller(project, 'reader')
        resp = reader.post('/v2/queues/lq/messages',
                           json={'messages': [{'body': 1}]})
        self.assertEqual(201, resp.status_code, resp.text)
        self.assertEqual(200, self.caller(project, '').get(
            '/v2/queues').status_code)

    def test_admin_operations_stay_admin_only(self):
        resp = self.caller(live.new_project('legacy'), 'member').get(
            '/v2/health')
        self.assertEqual(403, resp.status_code, resp.text)
