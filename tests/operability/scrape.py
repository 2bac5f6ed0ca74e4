"""Read a Prometheus text page into {(name, labels): value}."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = \
                sample.value
    return found


def value(found: dict, name: str, **labels) -> float:
    """One series' value (0.0 when absent)."""
    return found.get((name, frozenset(labels.items())), 0.0)
