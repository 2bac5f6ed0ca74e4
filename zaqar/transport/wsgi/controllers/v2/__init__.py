"""Controllers of the v2 API."""
