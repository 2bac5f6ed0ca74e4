"""Persona x route authorization and tenant isolation on a live server."""
