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

"""zaqar-server flags the reference's command line has, and how they map.

``--admin_mode`` turns on the admin API in every worker, as
``[DEFAULT] admin_mode = True`` would; ``--daemon`` detaches the server
(a double fork before gunicorn starts). Both are what deployment tooling written
for the reference passes. Kept apart from the serving model in server.py.

gunicorn's control socket is switched off: its default is one path shared
by every gunicorn of the user (``~/.gunicorn/gunicorn.ctl``), so another
gunicorn on the host would take it over, or ours would take theirs.
"""

from __future__ import annotations

import argparse
import os


def add_to(parser: argparse.ArgumentParser) -> None:
    """Add ``--admin_mode`` and ``--daemon`` (dashed spellings too)."""
    parser.add_argument('--admin_mode', '--admin-mode', action='store_true',
                        dest='admin_mode',
                        help='Serve the admin API (pools, flavors, health), '
                             'as [DEFAULT] admin_mode = True.')
    parser.add_argument('--daemon', action='store_true',
                        help='Detach from the terminal and run in the '
                             'background.')


def overrides(args: argparse.Namespace) -> dict:
    """[DEFAULT] option overrides the flags imply, for each worker."""
    return {'admin_mode': True} if args.admin_mode else {}


def gunicorn_options(args: argparse.Namespace) -> dict:
    """gunicorn settings the flags imply, control socket off."""
    return {'control_socket_disable': True}


def detach_if_asked(args: argparse.Namespace) -> None:
    """With ``--daemon``: fork, let the caller's process exit 0, and go on
    in a new session with standard streams on /dev/null."""
    if not args.daemon:
        return
    if os.fork():
        os._exit(0)
    os.setsid()
    if os.fork():
        os._exit(0)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
