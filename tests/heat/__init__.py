"""Heat integration: the server's Heat-facing behaviour and a real Heat."""
