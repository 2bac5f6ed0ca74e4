"""Entry point for WSGI servers (uWSGI, mod_wsgi, gunicorn)."""
