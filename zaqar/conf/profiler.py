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
