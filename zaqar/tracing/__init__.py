"""Tracing: OpenTelemetry spans (off by default) and OSProfiler traces."""
