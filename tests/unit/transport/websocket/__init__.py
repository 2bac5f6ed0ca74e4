"""Unit tests of the WebSocket transport."""
