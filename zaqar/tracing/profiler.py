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

"""OSProfiler, as the reference's [profiler] options promise.

With ``[profiler] enabled`` (osprofiler's own option) the service reports
to ``[profiler] connection_string``; a request signed with one of
``[profiler] hmac_keys`` (``X-Trace-Info``/``X-Trace-HMAC``, as
``openstack --os-profile`` sends) is traced: the HTTP layer when
``trace_wsgi_transport`` is set, calls into the message store when
``trace_message_store`` is set.
"""

from __future__ import annotations

import socket

from zaqar.common import errors

# osprofiler's default key: anyone could sign trace requests with it.
_PUBLIC_DEFAULT_KEY = 'SECRET_KEY'


def register(conf) -> None:
    """osprofiler's options in the [profiler] group beside ours."""
    from osprofiler import opts as profiler_opts
    profiler_opts.set_defaults(conf)


def enabled(conf) -> bool:
    register(conf)
    return bool(conf.profiler.enabled)


def setup(conf, service_name: str) -> None:
    """Send this process's traces to the configured collector."""
    from osprofiler import initializer
    if conf.profiler.hmac_keys in (None, '', _PUBLIC_DEFAULT_KEY):
        raise errors.ConfigError('[profiler] enabled needs hmac_keys: the '
                                 'keys that sign trace requests (not the '
                                 'well-known default).')
    try:
        initializer.init_from_conf(conf, {}, 'zaqar', service_name,
                                   socket.gethostname())
    except Exception as exc:  # noqa: BLE001 - a setup error, said clearly
        raise errors.ConfigError(
            f'[profiler] could not be set up ({exc}); check '
            f'connection_string.') from None


def wsgi(app, conf):
    """osprofiler's middleware: traces requests that carry a signed id."""
    from osprofiler import web
    return web.WsgiMiddleware(app, hmac_keys=conf.profiler.hmac_keys,
                              enabled=True)


def storage_observer(driver: str, controller: str, method: str, func):
    """A zaqar.storage.observed observer: one trace point per call."""
    from osprofiler import profiler
    info = {'db': {'driver': driver, 'call': f'{controller}.{method}'}}

    def traced(*args, **kwargs):
        if profiler.get() is None:
            return func(*args, **kwargs)
        with profiler.Trace('storage', info=info):
            return func(*args, **kwargs)
    return traced
