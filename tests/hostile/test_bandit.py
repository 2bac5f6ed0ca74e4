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

"""bandit finds nothing in zaqar/ (each accepted finding says why in place)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from tests import backends

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


class BanditTest(unittest.TestCase):

    def test_no_findings(self):
        if shutil.which('bandit') is None and not os.path.exists(
                os.path.join(os.path.dirname(sys.executable), 'bandit')):
            backends.unavailable(self, 'bandit', 'not installed (test extra)')
        with tempfile.TemporaryDirectory() as tmp:
            report = os.path.join(tmp, 'bandit.json')
            subprocess.run(
                [sys.executable, '-m', 'bandit', '-r', 'zaqar', '-q',
                 '-f', 'json', '-o', report], cwd=ROOT, timeout=300,
                check=False, capture_output=True)
            with open(report) as f:
                results = json.load(f)
        self.assertGreater(results['metrics']['_totals']['loc'], 10000)
        findings = [f"{r['test_id']} {r['filename']}:{r['line_number']} "
                    f"{r['issue_text']}" for r in results['results']]
        self.assertEqual([], findings)
        self.assertEqual([], results['errors'])
