"""Per-project quotas and rate limits (Keystone unified limits or config)."""
