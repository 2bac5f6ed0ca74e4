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

"""Create the reference Zaqar's SQL management tables (run in ITS venv).

``zaqar-sql-db-manage upgrade`` fails on SQLite in 23.0.1, so the
comparison creates the tables from the reference's own table metadata.

Usage: python create_tables.py sqlite:////path/to/file.db
"""

import sys

import sqlalchemy as sa

from zaqar.storage.sqlalchemy import tables


def main() -> None:
    engine = sa.create_engine(sys.argv[1])
    tables.metadata.create_all(engine)
    print(' '.join(sorted(sa.inspect(engine).get_table_names())))


if __name__ == '__main__':
    main()
