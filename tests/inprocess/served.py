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

"""The routes the WSGI application serves, read from its controller tree.

Walks the Pecan controllers the way object dispatch does: attributes that
are resources are fixed path segments, ``_lookup`` takes a variable
segment, and a resource's ``on_<method>`` handlers are the methods served
there. Nothing here reads the documentation, so it can be checked against
the home document, the OpenAPI document and the api-ref.
"""

from __future__ import annotations

import re

from zaqar.transport.wsgi.controllers import base, root

VARIABLE = '{}'


def _methods(resource: base.Resource) -> set[str]:
    return {name[3:] for name in dir(resource) if name.startswith('on_')}


def _children(resource: base.Resource):
    for segment, child in sorted(vars(resource).items()):
        if isinstance(child, base.Resource):
            yield segment, child
    lookup = getattr(resource, '_lookup', None)
    if lookup is not None and not isinstance(resource, root.Root):
        child, _ = lookup(VARIABLE)
        yield VARIABLE, child


def routes(controller: base.Resource | None = None, path: str = ''
           ) -> set[tuple[str, str]]:
    """{(method, path)} with every variable segment written ``{}``."""
    if controller is None:
        controller = root.Root(admin_mode=True)
    found = {(method, path or '/') for method in _methods(controller)}
    for segment, child in _children(controller):
        found |= routes(child, f'{path}/{segment}')
    return found


def normalise(path: str) -> str:
    """A documented path in the form ``routes`` uses."""
    path = re.sub(r'\{[^}]*\}', VARIABLE, path.split('{?', 1)[0])
    return path.rstrip('/') or '/'
