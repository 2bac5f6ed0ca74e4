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

"""Config files and processes for the console-script tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import textwrap

from oslo_config import cfg

import zaqar.conf

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))


def write_config(directory: str, text: str) -> str:
    path = os.path.join(directory, 'zaqar.conf')
    with open(path, 'w') as f:
        f.write(textwrap.dedent(text))
    return path


def load(path: str) -> cfg.ConfigOpts:
    """A fresh ConfigOpts with every zaqar option, read from ``path``."""
    conf = cfg.ConfigOpts()
    zaqar.conf.register_opts(conf)
    conf(['--config-file', path], project='zaqar')
    return conf


def closed_port() -> int:
    """A loopback port nothing listens on (bound then released)."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def run(module: str, *args: str, timeout: float = 60,
        env: dict | None = None) -> subprocess.CompletedProcess:
    """``python -m zaqar.cmd.<module> args`` with a throw-away data dir."""
    with tempfile.TemporaryDirectory(prefix='zaqar-cmd-data-') as data:
        environ = dict(os.environ, ZAQAR_DATA_DIR=data)
        environ.update(env or {})
        return subprocess.run(
            [sys.executable, '-m', f'zaqar.cmd.{module}', *args],
            check=False, capture_output=True, text=True, timeout=timeout,
            cwd=ROOT, env=environ)
