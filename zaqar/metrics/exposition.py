# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""The metrics page: this process's registry, or every worker's files."""

from __future__ import annotations

import glob
import os

import prometheus_client as prom
from prometheus_client import multiprocess

ENV = 'PROMETHEUS_MULTIPROC_DIR'


class _WorkerFiles(multiprocess.MultiProcessCollector):
    """Every worker's metric files, less those a starting worker has just
    created: prometheus_client opens such a file before sizing it, and
    reading it in that instant fails the whole scrape."""

    def collect(self):
        files = [path for path in glob.glob(os.path.join(self._path, '*.db'))
                 if _sized(path)]
        return self.merge(files, accumulate=True)


def _sized(path: str) -> bool:
    try:
        return os.path.getsize(path) > 0
    except OSError:
        return False  # removed meanwhile


def collector_registry(extra=()) -> prom.CollectorRegistry:
    """The registry a scrape reads: all workers' files in multiprocess mode."""
    if os.environ.get(ENV):
        registry = prom.CollectorRegistry()
        _WorkerFiles(registry)
    else:
        registry = prom.REGISTRY
    for collector in extra:
        try:
            registry.register(collector)
        except ValueError:
            pass  # already registered (the shared default registry)
    return registry


class Page:
    """A WSGI app answering with the text exposition format."""

    def __init__(self, registry: prom.CollectorRegistry):
        self.registry = registry

    def __call__(self, environ, start_response):
        body = prom.generate_latest(self.registry)
        start_response('200 OK', [('Content-Type', prom.CONTENT_TYPE_LATEST),
                                  ('Content-Length', str(len(body)))])
        return [body]


def serve(registry: prom.CollectorRegistry, host: str, port: int) -> bool:
    """The separate listener ([metrics] listen_port), in a daemon thread.

    Several API workers share the port's work: the first to bind serves
    every worker's files (multiprocess mode); the others skip.
    """
    try:
        prom.start_http_server(port, addr=host, registry=registry)
    except OSError:
        return False
    return True
