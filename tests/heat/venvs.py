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

"""Pinned virtualenvs under .ci/work for the Heat tests' heavy tools.

Like the Keystone fixture's: installed once from a pinned requirements file
under a file lock, reused while the file (and any local package installed
beside it) is unchanged.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WORK = os.path.join(ROOT, '.ci', 'work')
# Generous: a first install downloads ~140 packages on a loaded machine.
_INSTALL_TIMEOUT = 1800


class ToolUnavailable(Exception):
    """A tool could not be installed or started; the message says why."""


@contextlib.contextmanager
def locked(name: str):
    """An exclusive lock on .ci/work/<name> (across processes)."""
    os.makedirs(WORK, exist_ok=True)
    with open(os.path.join(WORK, name), 'a') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def run(cmd: list[str], timeout: float, **kwargs) -> str:
    """Run ``cmd``; its output, or ToolUnavailable with the tail of it."""
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True,
                              check=False, timeout=timeout, **kwargs)
    except subprocess.TimeoutExpired:
        raise ToolUnavailable(f'{" ".join(cmd[:4])} timed out')
    if proc.returncode:
        raise ToolUnavailable(
            f'{" ".join(cmd[:4])} failed ({proc.returncode}): '
            f'{(proc.stdout + proc.stderr)[-3000:]}')
    return proc.stdout


def _digest(paths: list[str]) -> str:
    """One hash over files and (recursively) directories' .py/.cfg files."""
    digest = hashlib.sha256()
    for path in paths:
        files = [path]
        if os.path.isdir(path):
            files = sorted(
                os.path.join(d, f) for d, _, names in os.walk(path)
                for f in names if f.endswith(('.py', '.cfg', '.toml')))
        for name in files:
            digest.update(os.path.relpath(name, ROOT).encode())
            with open(name, 'rb') as f:
                digest.update(f.read())
    return digest.hexdigest()


def _install_once(venv: str, stamp_name: str, digest: str,
                  install) -> None:
    stamp = os.path.join(venv, stamp_name)
    with contextlib.suppress(FileNotFoundError), open(stamp) as f:
        if f.read().strip() == digest:
            return
    install()
    with open(stamp, 'w') as f:
        f.write(digest + '\n')


def ensure(name: str, requirements: str,
           local_packages: tuple[str, ...] = ()) -> str:
    """The venv .ci/work/<name>-venv with ``requirements`` installed, and
    ``local_packages`` (directories) over them without dependencies;
    returns its path. Each is reinstalled only when its files change."""
    venv = os.path.join(WORK, f'{name}-venv')
    pip = [os.path.join(venv, 'bin', 'pip'), 'install', '-q',
           '--disable-pip-version-check']

    def install_requirements():
        shutil.rmtree(venv, ignore_errors=True)
        run([sys.executable, '-m', 'venv', venv], 300)
        run(pip + ['-r', requirements], _INSTALL_TIMEOUT)

    with locked(f'{name}-venv.lock'):
        _install_once(venv, '.requirements.sha256', _digest([requirements]),
                      install_requirements)
        for package in local_packages:
            _install_once(
                venv, f'.{os.path.basename(package)}.sha256',
                _digest([package]),
                lambda: run(pip + ['--no-deps', '--force-reinstall',
                                   package], 600))
    return venv


def bin_path(venv: str, name: str) -> str:
    return os.path.join(venv, 'bin', name)
