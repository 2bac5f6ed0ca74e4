"""Unit tests of the transports."""
