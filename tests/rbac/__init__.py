"""Persona x route authorization matrix and tenant isolation, on a live server."""
