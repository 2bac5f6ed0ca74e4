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

"""``zaqar.transport.wsgi.app:application``: the entry point reference
deployments name (uWSGI, gunicorn, mod_wsgi).

The application itself is built in :mod:`.stack`; this module only builds
a whole service the way a command does, on first access, so importing it
builds nothing.
"""

from __future__ import annotations

from zaqar.transport.wsgi.stack import make_app

__all__ = ['make_app']


# Built on first access: importing this module builds no service. The
# command module it defers to imports .stack, never this module, so the
# entry point closes no import cycle.
def _application():
    from zaqar.cmd import common
    return common.build_wsgi_app(common.config_files_from_env())


def __getattr__(name: str):
    if name == 'application':
        globals()['application'] = _application()
        return globals()['application']
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')


if __name__ not in ('zaqar.transport.wsgi.app', '__main__'):
    # Loaded as a script file (mod_wsgi's WSGIScriptAlias to a copy of this
    # file, uWSGI --wsgi-file): those look ``application`` up in the
    # file's namespace, where a module __getattr__ is not consulted.
    application = _application()
