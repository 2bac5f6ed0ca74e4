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

"""The import layers hold: no cycles, no upward or sideways imports."""

from __future__ import annotations

import pathlib
import unittest

from tests.inprocess import imports

REPO = pathlib.Path(__file__).resolve().parents[2]

# Siblings that must stay independent of each other.
INDEPENDENT = (
    ('zaqar.transport.wsgi', 'zaqar.transport.websocket'),
    ('zaqar.storage.sqlalchemy', 'zaqar.storage.redis',
     'zaqar.storage.mongodb'),
)


# Deliberate exceptions, each with its reason.
ALLOWED = {
    # The reference's WSGI entry point (zaqar.transport.wsgi.app:
    # application) must build the whole service as a command does; the
    # import is deferred to first use of ``application``.
    ('zaqar.transport.wsgi.app', 'zaqar.cmd.common'),
}


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + '.')


class ImportGraphTest(unittest.TestCase):
    """Read from the source, so deferred (in-function) imports count too."""

    @classmethod
    def setUpClass(cls):
        cls.graph = imports.graph()
        cls.edges = {module: {t for t in targets
                              if (module, t) not in ALLOWED}
                     for module, targets in cls.graph.items()}

    def test_allowed_exceptions_still_exist(self):
        # An exception that is gone must leave the list too.
        for importer, target in ALLOWED:
            self.assertIn(target, self.graph[importer])

    def test_graph_covers_the_package(self):
        self.assertIn('zaqar.api.actions', self.edges)
        self.assertIn('zaqar.storage.base', self.edges['zaqar.api.service'])

    def test_no_import_cycle(self):
        self.assertEqual([], imports.cycles(self.edges))

    def test_no_import_cycle_through_the_exceptions_either(self):
        self.assertEqual([], imports.cycles(self.graph))

    def test_cycle_finder_sees_a_cycle(self):
        # The checker itself must be able to fail.
        edges = {'a': {'b'}, 'b': {'c'}, 'c': {'a'}, 'd': {'a'}}
        self.assertEqual([['a', 'b', 'c']], imports.cycles(edges))

    def test_no_upward_import(self):
        self.assertEqual([], imports.upward(self.edges))

    def test_upward_finder_sees_an_upward_import(self):
        edges = {'zaqar.storage.base': {'zaqar.api.actions'},
                 'zaqar.api.actions': {'zaqar.storage.base'}}
        self.assertEqual([('zaqar.storage.base', 'zaqar.api.actions')],
                         imports.upward(edges))

    def test_every_module_has_a_layer(self):
        unplaced = [m for m in self.edges
                    if m != 'zaqar' and imports.layer(m) is None]
        self.assertEqual([], unplaced)

    def test_independent_siblings(self):
        crossing = []
        for group in INDEPENDENT:
            for importer, targets in self.edges.items():
                for target in targets:
                    owners = {p for p in group if _within(importer, p)}
                    others = {p for p in group if _within(target, p)}
                    if owners and others and not owners & others:
                        crossing.append((importer, target))
        self.assertEqual([], crossing)


class ImportLinterContractTest(unittest.TestCase):
    """The same layers as an import-linter contract (``tox -e pep8``)."""

    def test_contract_is_kept(self):
        from importlinter import cli  # the [test] extra installs it
        code = cli.lint_imports(
            config_filename=str(REPO / '.importlinter'))
        self.assertEqual(0, code)
