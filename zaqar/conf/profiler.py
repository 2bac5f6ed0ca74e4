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

"""[profiler] which layers OSProfiler traces (with [profiler] enabled)."""

from oslo_config import cfg

GROUP = 'profiler'

OPTS = [
    cfg.BoolOpt('trace_wsgi_transport', default=False,
                help='Trace each HTTP request.'),
    cfg.BoolOpt('trace_message_store', default=False,
                help='Trace calls into the message store.'),
    cfg.BoolOpt('trace_management_store', default=False,
                help='Trace calls into the management store.'),
]


def list_opts():
    return {GROUP: OPTS}
