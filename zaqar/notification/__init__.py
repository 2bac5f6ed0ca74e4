"""Notification delivery: the outbox worker, its tasks and lifecycle events."""
