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

"""Options of the SQLAlchemy (SQLite, PostgreSQL, MySQL/MariaDB) store.

The same list serves ``[drivers:message_store:sqlalchemy]`` and
``[drivers:management_store:sqlalchemy]``. Kept apart from the driver so that
listing options (``oslo-config-generator``, service start) imports no
client library.
"""

from __future__ import annotations

from oslo_config import cfg


def list_opts() -> list[cfg.Opt]:
    return [
        cfg.StrOpt('uri', secret=True,
                   help='SQLAlchemy URL: sqlite:///path, '
                        'postgresql://user@host/db or '
                        'mysql+pymysql://user@host/db. Unset: a SQLite file '
                        'in the user data directory ($XDG_DATA_HOME/zaqar).'),
        cfg.StrOpt('database',
                   help='Accepted for compatibility (the database is part '
                        'of the uri).'),
    ]
