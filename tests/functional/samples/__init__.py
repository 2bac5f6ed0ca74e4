"""Request/response samples of the API reference, captured from a server."""
