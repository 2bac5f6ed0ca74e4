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

"""The two virtualenvs of the comparison: the reference's and ours."""

from __future__ import annotations

import os
import subprocess
import sys

UPSTREAM_VERSION = '23.0.1'


def _python(venv: str) -> str:
    return os.path.join(venv, 'bin', 'python')


def _missing(venv: str, server: str) -> list[str]:
    """Requirements of the reference venv that are not installed."""
    probe = ('import importlib.metadata as m\n'
             'for name in ("zaqar", "redis", "SERVER"):\n'
             '    try:\n'
             '        print(name, m.version(name))\n'
             '    except m.PackageNotFoundError:\n'
             '        print(name, "-")\n').replace('SERVER', server)
    out = subprocess.run([_python(venv), '-c', probe], check=True,
                         capture_output=True, text=True).stdout
    versions = dict(line.split() for line in out.splitlines())
    wanted = []
    if versions.get('zaqar') != UPSTREAM_VERSION:
        wanted.append(f'zaqar=={UPSTREAM_VERSION}')
    wanted += [name for name in ('redis', server)
               if versions.get(name) == '-']
    return wanted


def ensure_upstream(venv: str, server: str, log=print) -> str:
    """Make ``venv`` hold zaqar 23.0.1, redis and the WSGI server.

    Creates the virtualenv if needed and pip-installs what is missing.
    :returns: the venv's absolute path.
    :raises subprocess.CalledProcessError: if venv creation or pip fails.
    """
    venv = os.path.abspath(venv)
    if not os.path.exists(_python(venv)):
        log(f'creating the reference virtualenv {venv}')
        subprocess.run([sys.executable, '-m', 'venv', venv], check=True)
    wanted = _missing(venv, server)
    if wanted:
        log(f'installing {" ".join(wanted)} into {venv}')
        subprocess.run([_python(venv), '-m', 'pip', 'install', '-q']
                       + wanted, check=True)
    return venv


def has_module(venv: str, module: str) -> bool:
    """Whether ``module`` is importable in ``venv`` (without importing it:
    importing our WSGI module would build the whole service)."""
    probe = ('import importlib.util, sys\n'
             f'sys.exit(0 if importlib.util.find_spec({module!r}) else 1)')
    return subprocess.run([_python(venv), '-c', probe], check=False,
                          capture_output=True).returncode == 0


def python_version(venv: str) -> str:
    return subprocess.run(
        [_python(venv), '-c', 'import sys; print(sys.version.split()[0])'],
        check=True, capture_output=True, text=True).stdout.strip()
