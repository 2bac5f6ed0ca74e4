"""Quotas, rate limits, metrics and tracing against real servers."""
