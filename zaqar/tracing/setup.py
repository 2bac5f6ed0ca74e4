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

"""Turn tracing on for one process, as [tracing] and [profiler] say."""

from __future__ import annotations

import dataclasses

from zaqar.tracing import profiler


@dataclasses.dataclass
class Tracing:
    """What this process traces: an OpenTelemetry tracer, OSProfiler."""

    tracer: object | None = None
    profiler: bool = False
    profile_wsgi: bool = False
    profile_storage: bool = False

    @classmethod
    def from_conf(cls, conf, service_name: str = 'zaqar-api') -> Tracing:
        found = cls()
        if conf.tracing.enabled:
            from zaqar.tracing import otel
            found.tracer = otel.setup(conf)
        if profiler.enabled(conf):
            profiler.setup(conf, service_name)
            found.profiler = True
            found.profile_wsgi = conf.profiler.trace_wsgi_transport
            found.profile_storage = (conf.profiler.trace_message_store
                                     or conf.profiler.trace_management_store)
        return found

    def storage_observers(self) -> list:
        observers = []
        if self.tracer is not None:
            from zaqar.tracing import otel
            observers.append(otel.storage_observer(self.tracer))
        if self.profile_storage:
            observers.append(profiler.storage_observer)
        return observers

    def wrap_wsgi(self, app, conf):
        """The request span layers (inside the request id layer)."""
        if self.profile_wsgi:
            app = profiler.wsgi(app, conf)
        if self.tracer is not None:
            from zaqar.tracing import otel
            app = otel.TracedRequests(app, self.tracer)
        return app
