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

"""The documentation builds (guide, API reference, release notes) with -W.

Each build runs offline into a temporary directory; a warning fails it.
They need the ``doc`` extra (``pip install -e '.[doc]'``): without it the
tests skip, except in CI (``ZAQAR_TEST_REQUIRE_BACKENDS=1``) where they
fail.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
import unittest

from tests import backends

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
# Modules the builds import (the doc extra).
NEEDED = ('sphinx', 'os_api_ref', 'openstackdocstheme', 'reno')
# Seconds one build may take on a loaded 2-core machine.
TIMEOUT = 300


class DocsBuildTest(unittest.TestCase):

    def setUp(self):
        super().setUp()
        missing = [m for m in NEEDED if importlib.util.find_spec(m) is None]
        if missing:
            message = (f'documentation tools missing ({", ".join(missing)}):'
                       " pip install -e '.[doc]'")
            if backends.required():
                self.fail(message)
            self.skipTest(message)
        # reno reads the notes from git history; the theme asks git for
        # page dates. An unpacked tarball has no history to read.
        inside = subprocess.run(['git', 'rev-parse', '--is-inside-work-tree'],
                                cwd=ROOT, capture_output=True, text=True,
                                check=False)
        if inside.returncode != 0:
            self.skipTest('documentation builds need a git checkout')

    def build(self, source: str, expect: str) -> str:
        with tempfile.TemporaryDirectory(prefix='zaqar-docs-') as out:
            proc = subprocess.run(
                [sys.executable, '-m', 'sphinx', '-W', '--keep-going',
                 '-q', '-b', 'html', '-d', os.path.join(out, '.doctrees'),
                 os.path.join(ROOT, source), out],
                capture_output=True, text=True, timeout=TIMEOUT, cwd=ROOT,
                check=False)
            self.assertEqual(0, proc.returncode,
                             f'{source}:\n{proc.stdout}\n{proc.stderr}')
            with open(os.path.join(out, expect)) as f:
                return f.read()

    def test_api_reference_builds(self):
        page = self.build('api-ref/source', 'index.html')
        methods = 0
        source = os.path.join(ROOT, 'api-ref', 'source')
        for name in os.listdir(source):
            if name.endswith('.inc'):
                with open(os.path.join(source, name)) as f:
                    methods += f.read().count('.. rest_method::')
        self.assertEqual(methods, page.count('class="operation-grp'))

    def test_release_notes_build(self):
        page = self.build('releasenotes/source', 'unreleased.html')
        self.assertTrue('zaqar-status' in page, 'notes missing')

    def test_guide_builds(self):
        page = self.build('doc/source', os.path.join('configuration',
                                                     'options.html'))
        self.assertTrue('max_messages_per_page' in page, 'options missing')
