"""Pecan controllers."""
