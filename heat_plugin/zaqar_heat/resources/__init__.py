"""Resource modules Heat loads from ``plugin_dirs`` (one type each)."""
