"""Transports: WSGI (HTTP) and WebSocket, both dispatching to zaqar.api."""
