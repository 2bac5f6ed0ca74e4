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

"""A stand-in for another API host inside one test process."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import unittest


@contextlib.contextmanager
def another_host(testcase: unittest.TestCase):
    """Drivers made inside get a host-local socket directory of their own
    (``XDG_RUNTIME_DIR``), so only the store can carry their signals to
    the drivers made outside."""
    elsewhere = tempfile.mkdtemp(prefix='zaqar-other-host-')
    testcase.addCleanup(shutil.rmtree, elsewhere, True)
    saved = os.environ.get('XDG_RUNTIME_DIR')
    os.environ['XDG_RUNTIME_DIR'] = elsewhere
    try:
        yield
    finally:
        if saved is None:
            del os.environ['XDG_RUNTIME_DIR']
        else:
            os.environ['XDG_RUNTIME_DIR'] = saved
