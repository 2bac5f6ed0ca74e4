"""Pooling: queues sharded over registered pools (catalog and one router)."""
