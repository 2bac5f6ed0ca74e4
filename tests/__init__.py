"""Test suite: unit, contract (every driver), functional (live server)."""
