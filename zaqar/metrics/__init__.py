"""Prometheus metrics (prometheus-client), every name prefixed ``zaqar_``.

Nothing here imports prometheus-client until metrics are turned on
(``[metrics] enabled``), so PROMETHEUS_MULTIPROC_DIR can be set first.
"""
