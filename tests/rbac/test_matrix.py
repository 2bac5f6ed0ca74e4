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

"""Every route x every persona, and every route from another project.

Generated from tests/rbac/routes.py: a test per (route, persona) checks the
default policy's answer (served, or 403 with nothing changed), and a test
per (route, other-project persona) checks that another project sees the
owner's names and ids exactly as names and ids never created, changes
nothing of the owner's, and reads nothing of it. Coverage tests fail when
the API gains an action or a home-document route the table does not list.
"""

from __future__ import annotations

import json
import re
import unittest

from tests.functional import server as fserver
from tests.rbac import live, routes
from zaqar import policies
from zaqar.api import actions
from zaqar.policies import base as policy_base
from zaqar.transport import home

# The default check string each "who" class stands for.
CHECKS = {
    routes.ANYONE: {'', '@'},
    routes.READER: {policy_base.READER_OR_ADMIN},
    routes.MEMBER: {policy_base.MEMBER_OR_ADMIN},
    routes.ADMIN: {policy_base.ADMIN},
    routes.READER_OR_STACK_USER: {policy_base.READER_OR_STACK_USER},
    routes.MEMBER_OR_STACK_USER: {policy_base.MEMBER_OR_STACK_USER},
}


def _template(path: str) -> str:
    return re.sub(r'\{[^}]*\}', '{}', re.sub(r'\{\?[^}]*\}$', '', path))


class CoverageTest(unittest.TestCase):
    """The table lists every action and route, with the right rule."""

    def setUp(self):
        self.rules = {r.name: r for r in policies.list_rules()}

    def test_every_action_has_a_row(self):
        covered = {r.action for r in routes.ROUTES}
        served = {name for name, action in actions.ACTIONS.items()
                  if action.over_http}
        self.assertEqual([], sorted(served - covered),
                         'actions without a row in tests/rbac/routes.py')
        self.assertEqual([], sorted(covered - set(actions.ACTIONS)),
                         'rows for actions the API does not have')

    def test_rows_use_the_actions_rule(self):
        for row in routes.ROUTES:
            with self.subTest(row.name):
                self.assertEqual(actions.ACTIONS[row.action].rule, row.rule)

    def test_every_rule_is_registered_with_the_expected_default(self):
        for row in routes.ROUTES:
            with self.subTest(row.name):
                self.assertIn(row.rule, self.rules, 'no policy rule')
                self.assertIn(self.rules[row.rule].check_str,
                              CHECKS[row.who])

    def test_every_row_is_documented_by_its_rule(self):
        for row in routes.ROUTES:
            with self.subTest(row.name):
                documented = {(op['method'], _template(op['path']))
                              for op in self.rules[row.rule].operations}
                self.assertIn((row.method, row.template), documented)

    def test_every_home_document_route_has_a_row(self):
        doc = json.loads(home.render(True))
        rows = {(r.method, r.template) for r in routes.ROUTES}
        missing = []
        for rel, entry in doc['resources'].items():
            path = _template(entry.get('href-template') or entry['href'])
            for method in entry['hints']['allow']:
                if (method, path) not in rows:
                    missing.append(f'{rel}: {method} {path}')
        self.assertEqual([], missing)

    def test_every_row_has_an_isolation_expectation(self):
        for row in routes.ROUTES:
            with self.subTest(row.name):
                self.assertIn(row.isolation, (routes.AS_NEVER_CREATED,
                                              routes.NO_PROJECT_DATA))
                # Everything under a queue belongs to a project.
                if '{queue}' in row.path or row.path == '/v2/queues':
                    self.assertEqual(routes.AS_NEVER_CREATED, row.isolation)


class MatrixTest(live.LiveServerCase):
    """Generated: test_<route>_as_<persona>, test_<route>_from_other_*."""

    def persona_case(self, row: routes.Route, persona: str) -> None:
        project = live.new_project('owner')
        live.check_persona(
            self, row, owner=self.caller(project, 'member'),
            caller=self.caller(project, routes.PERSONAS[persona]),
            allowed=persona in routes.ALLOWED[row.who])

    def isolation_case(self, row: routes.Route, roles: str) -> None:
        live.check_isolation(
            self, row,
            owner=self.caller(live.new_project('owner'), 'member'),
            other=self.caller(live.new_project('other'), roles),
            blank=self.caller(live.new_project('blank'), roles))


class PoolingMatrixTest(live.LiveServerCase):
    """Generated: the admin API of pooling (pools, flavors) per persona."""

    sections = ('[DEFAULT]\npooling = true\n\n'
                '[drivers]\nmanagement_store = sqlalchemy\n\n'
                '[drivers:management_store:sqlalchemy]\n'
                'uri = sqlite:///{tmp}/management.db\n')

    def persona_case(self, row: routes.Route, persona: str) -> None:
        project = live.new_project('admin')
        live.check_persona(
            self, row, owner=self.caller(project, 'admin'),
            caller=self.caller(project, routes.PERSONAS[persona]),
            allowed=persona in routes.ALLOWED[row.who],
            fixture=lambda admin: live.make_pool_fixture(admin, self._tmp),
            look=live.pool_snapshot)


class PooledIsolationTest(live.LiveServerCase):
    """Generated: isolation again, with queues placed on a registered pool
    (the catalog maps project and queue name to a pool)."""

    sections = PoolingMatrixTest.sections

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        admin = fserver.Client(cls.server.url, project='ops', roles='admin')
        live.check(admin.put('/v2/pools/shared', json={
            'weight': 100, 'uri': f'sqlite:///{cls._tmp}/shared-pool.db'}),
            201)

    def isolation_case(self, row: routes.Route, roles: str) -> None:
        MatrixTest.isolation_case(self, row, roles)


def _persona_test(row: routes.Route, persona: str):
    def test(self):
        self.persona_case(row, persona)
    allowed = persona in routes.ALLOWED[row.who]
    test.__doc__ = (f'{row.method} {row.path} as {persona}: '
                    f'{"served" if allowed else "403"}')
    return test


def _isolation_test(row: routes.Route, roles: str):
    def test(self):
        self.isolation_case(row, roles)
    test.__doc__ = (f'{row.method} {row.path} from another project '
                    f'({roles}) answers as for names never created')
    return test


_CLASSES = {routes.PROJECT_STORE: MatrixTest,
            routes.POOLING: PoolingMatrixTest}
for _row in routes.ROUTES:
    for _persona in routes.PERSONAS:
        setattr(_CLASSES[_row.server], f'test_{_row.name}_as_{_persona}',
                _persona_test(_row, _persona))
    if _row.isolation != routes.NO_PROJECT_DATA:
        for _label, _roles in (('member', 'member'), ('admin', 'admin')):
            setattr(MatrixTest, f'test_{_row.name}_from_other_{_label}',
                    _isolation_test(_row, _roles))
        setattr(PooledIsolationTest, f'test_{_row.name}_from_other_member',
                _isolation_test(_row, 'member'))
