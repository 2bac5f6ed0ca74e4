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

"""A real SQLite management store and SQLite pools in a temporary folder."""

from __future__ import annotations

import os
import shutil
import tempfile

import testtools

from zaqar.storage import control
from zaqar.storage.sqlalchemy import management


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class StoreTestCase(testtools.TestCase):
    """``self.store``: a fresh SQLite management store; ``add_pool``."""

    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix='zaqar-pooling-')
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)
        self.store = self.new_store()

    def new_store(self) -> management.ControlDriver:
        """Another client of the same store (like another process)."""
        store = management.ControlDriver(
            'sqlite:///' + os.path.join(self.dir, 'management.db'))
        self.addCleanup(store.close)
        return store

    def sqlite_uri(self, name: str) -> str:
        return 'sqlite:///' + os.path.join(self.dir, f'{name}.db')

    def add_pool(self, name: str, weight: int = 100,
                 flavor: str | None = None, uri: str | None = None) -> None:
        self.store.pools_controller.put(control.Pool(
            name, uri or self.sqlite_uri(name), weight, flavor))
