"""Unit tests of zaqar.common."""
