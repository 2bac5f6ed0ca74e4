"""SQL data driver (SQLite, PostgreSQL, MariaDB/MySQL) built on SQLAlchemy Core."""
