"""The HTTP transport: a Pecan application."""
