"""SQL data driver (SQLite, PostgreSQL, MariaDB/MySQL) on SQLAlchemy Core."""
