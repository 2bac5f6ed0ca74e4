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

"""The service's code cites only documents that ship with it.

A docstring pointing at a memo outside the repository sends the next
reader nowhere; every ``*.md``/``*.rst`` named under ``zaqar/`` must be a
file of this repository (as a path from its root, or by file name).
"""

from __future__ import annotations

import os
import pathlib
import re
import unittest

REPO = pathlib.Path(__file__).resolve().parents[2]
_CITED = re.compile(r'[A-Za-z0-9_./-]+\.(?:md|rst)\b')
_SKIP = {'.git', '.ci', '.tox', 'node_modules'}


def _repository_documents() -> tuple[set[str], set[str]]:
    """(repo-relative paths, file names) of every .md/.rst in the repo.

    Skipped directories are never entered: .ci/work holds virtualenvs and
    the directories other tests create and remove meanwhile.
    """
    paths, names = set(), set()
    for root, dirs, files in os.walk(REPO):
        dirs[:] = [d for d in dirs if d not in _SKIP]
        for name in files:
            if name.endswith(('.md', '.rst')):
                path = pathlib.Path(root, name)
                paths.add(path.relative_to(REPO).as_posix())
                names.add(name)
    return paths, names


def missing(sources: dict[str, str]) -> list[tuple[str, str]]:
    """(source, cited document) pairs naming no file of the repository."""
    paths, names = _repository_documents()
    found = []
    for source, text in sorted(sources.items()):
        for cited in _CITED.findall(text):
            if cited not in paths and cited.rsplit('/', 1)[-1] not in names:
                found.append((source, cited))
    return found


class CitedDocumentsTest(unittest.TestCase):

    def test_code_cites_only_documents_of_the_repository(self):
        sources = {p.relative_to(REPO).as_posix(): p.read_text()
                   for p in (REPO / 'zaqar').rglob('*.py')}
        self.assertEqual([], missing(sources))

    def test_a_memo_outside_the_repository_is_noticed(self):
        sources = {'a.py': '"""Why: see DECISIONS.md; doc/source/agent.rst."""'}
        self.assertEqual([('a.py', 'DECISIONS.md')], missing(sources))
