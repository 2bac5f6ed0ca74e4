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
