"""Unit tests of the storage drivers."""
