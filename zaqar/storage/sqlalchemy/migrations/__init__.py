"""Alembic migrations of the SQL data store (run through ``..migration``)."""
