"""In-process tests: the code's shape (import layers, documented routes) and
the API layer and WSGI application driven without a server process."""
