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

"""Every tracked source file carries the Apache-2.0 header."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


class LicenseHeaderTest(unittest.TestCase):

    def test_every_source_file_has_the_header(self):
        if shutil.which('git') is None or not os.path.isdir(
                os.path.join(ROOT, '.git')) and not os.path.isfile(
                os.path.join(ROOT, '.git')):
            self.skipTest('not a git checkout')
        proc = subprocess.run(
            [sys.executable, os.path.join(ROOT, 'tools', 'license-headers'),
             '--check'], cwd=ROOT, capture_output=True, text=True,
            timeout=120)
        self.assertEqual('', proc.stdout,
                         'run tools/license-headers to add the header')
        self.assertEqual(0, proc.returncode, proc.stderr)


if __name__ == '__main__':
    unittest.main()
