"""A real Keystone (own virtualenv, one instance per run) for tests."""
