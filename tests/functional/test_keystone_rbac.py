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

"""The route table again, with real Keystone tokens instead of X-Roles.

Project ``a`` owns the fixtures; its admin, member and reader users call
every route. Users of project ``b`` name ``a``'s queues and ids on every
route and must get what users of ``c`` (where nothing was made) get for
names and ids never created.
"""

from __future__ import annotations

from tests.keystone import base
from tests.rbac import live, routes

PERSONAS = ('admin', 'member', 'reader')


class KeystoneMatrixTest(base.KeystoneServerCase):
    """Generated: test_<route>_as_<persona>, ..._from_other_project."""

    personas = {
        'a': PERSONAS,
        'b': ('admin', 'member'),
        'c': ('admin', 'member'),
    }

    def persona_case(self, row: routes.Route, persona: str) -> None:
        live.check_persona(self, row, owner=self.http('a_member'),
                           caller=self.http(f'a_{persona}'),
                           allowed=persona in routes.ALLOWED[row.who])

    def isolation_case(self, row: routes.Route) -> None:
        for role in ('member', 'admin'):
            with self.subTest(role=role):
                live.check_isolation(self, row, owner=self.http('a_member'),
                                     other=self.http(f'b_{role}'),
                                     blank=self.http(f'c_{role}'))


def _persona_test(row: routes.Route, persona: str):
    def test(self):
        self.persona_case(row, persona)
    test.__doc__ = f'{row.method} {row.path} with a token of a {persona}'
    return test


def _isolation_test(row: routes.Route):
    def test(self):
        self.isolation_case(row)
    test.__doc__ = (f'{row.method} {row.path} with tokens of another '
                    f'project answers as for names never created')
    return test


# The pooling admin API is covered in tests/rbac; this server has no pools.
for _row in [r for r in routes.ROUTES if r.server == routes.PROJECT_STORE]:
    for _persona in PERSONAS:
        setattr(KeystoneMatrixTest, f'test_{_row.name}_as_{_persona}',
                _persona_test(_row, _persona))
    if _row.isolation != routes.NO_PROJECT_DATA:
        setattr(KeystoneMatrixTest, f'test_{_row.name}_from_other_project',
                _isolation_test(_row))
