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

"""Direct routes for the paths of message and claim traffic.

Pecan finds a controller by walking the tree a segment at a time, asking
every node for the segment as an attribute and falling back to its
``_lookup`` (about a tenth of a millisecond per request here). For
``/v2/queues/{name}``, ``.../messages[/{id}]`` and ``.../claims[/{id}]`` the
walk always ends at the same controller, so the Pecan application is given
a ``route`` that builds that controller directly, but only where the walk
would reach it: no trailing slash, and neither the queue name nor the id
is also an attribute of the node it is looked up on (a queue named
``index`` routes as Pecan routes it). Every other path takes Pecan's walk.
tests/unit/transport/wsgi/test_direct_routes.py checks both agree.
"""

from __future__ import annotations

from zaqar.transport.wsgi.controllers.v2 import claims, messages, queues

PREFIX = '/v2/queues/'


def direct(path: str, collection: queues.QueueCollection):
    """(controller, remainder) Pecan's walk would find, or None to walk."""
    if not path.startswith(PREFIX):
        return None
    parts = path[len(PREFIX):].split('/')
    name = parts[0]
    if not name or hasattr(collection, name):
        return None
    count = len(parts)
    if count == 1:
        return queues.Queue(name).index, []
    kind = parts[1]
    if kind == 'messages':
        node = messages.MessageCollection(name)
    elif kind == 'claims':
        node = claims.ClaimCollection(name)
    else:
        return None
    if count == 2:
        return node.index, []
    item = parts[2]
    if count > 3 or not item or hasattr(node, item):
        return None
    return node._lookup(item)[0].index, []


def install(pecan_app, root):
    """Route ``pecan_app`` (a Pecan app over ``root``) directly where
    possible; returns the app (a ``wrap_app`` for ``pecan.make_app``)."""
    walk = pecan_app.route
    collection = root.v2.queues

    def route(req, node, path):
        if node is root:
            found = direct(path, collection)
            if found is not None:
                return found
        return walk(req, node, path)

    pecan_app.route = route
    return pecan_app
