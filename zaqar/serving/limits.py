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

"""The limits and deadlines of the serving layer, read once from config."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class ServingLimits:
    """What one serving process allows a client (see [drivers:transport:wsgi]).

    ``max_body`` is the largest request body of any route: the larger of
    ``[oslo_middleware] max_request_body_size`` and twice the API's own
    message and metadata limits, so a body a little over those still gets
    the API's own 400 answer.
    """

    max_body: int
    max_request_line: int
    max_header_bytes: int
    header_timeout: float
    body_timeout: float
    keepalive_timeout: float
    max_connections: int
    threads: int


def register_body_limit(conf) -> None:
    """Make sure ``[oslo_middleware] max_request_body_size`` is known."""
    from oslo_middleware import opts as mw_opts
    for group, opts in mw_opts.list_opts_sizelimit():
        conf.register_opts(opts, group=group)


def body_limit(conf) -> int:
    """The request body size beyond which any route answers 413."""
    register_body_limit(conf)
    return max(conf.oslo_middleware.max_request_body_size,
               2 * conf.transport.max_messages_post_size,
               2 * conf.transport.max_queue_metadata)


def from_conf(conf) -> ServingLimits:
    wsgi = conf['drivers:transport:wsgi']
    return ServingLimits(
        max_body=body_limit(conf),
        max_request_line=wsgi.max_request_line,
        max_header_bytes=wsgi.max_header_bytes,
        header_timeout=wsgi.header_timeout,
        body_timeout=wsgi.body_timeout,
        keepalive_timeout=wsgi.keepalive_timeout,
        max_connections=wsgi.max_connections,
        threads=wsgi.threads,
    )
