"""Unit tests of pooling: placement, the catalog cache and the router."""
