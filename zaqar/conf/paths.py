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

"""Where the development-mode server keeps its data."""

import os

import platformdirs


def data_dir() -> str:
    """The user's data directory for zaqar (XDG on Linux), created."""
    path = os.environ.get('ZAQAR_DATA_DIR') or platformdirs.user_data_dir(
        'zaqar')
    os.makedirs(path, exist_ok=True)
    return path


def default_sqlite_uri() -> str:
    return 'sqlite:///' + os.path.join(data_dir(), 'zaqar.db')
