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

"""ansible-core, ansible-lint and openstack.cloud in their own virtualenv.

``Tools.get()`` gives the tests the tools, installing them on first use:
the pinned requirements (tests/ansible/requirements.txt) go into
``.ci/work/ansible-venv`` and the collections named in
tests/ansible/collections.txt are taken from the wheel of the pinned
``ansible`` package into ``.ci/work/ansible-collections``; both are reused
while the two files are unchanged (a stamp, under a file lock, as the
Keystone fixture does). ``zaqar_wheelhouse()`` fills
``.ci/work/ansible-zaqar-wheels`` with the packages zaqar needs, at the
versions of this test environment, so the role's localhost runs install
zaqar from this tree without the package index.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from importlib import metadata

from tests.ansible import wheelhouse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WORK = os.path.join(ROOT, '.ci', 'work')
VENV = os.path.join(WORK, 'ansible-venv')
COLLECTIONS = os.path.join(WORK, 'ansible-collections')
ZAQAR_WHEELS = os.path.join(WORK, 'ansible-zaqar-wheels')
REQUIREMENTS = os.path.join(HERE, 'requirements.txt')
COLLECTION_LIST = os.path.join(HERE, 'collections.txt')
PLAYBOOKS = os.path.join(ROOT, 'ansible')
# What building zaqar from its source tree needs besides its dependencies.
BUILD_REQUIREMENTS = ('pbr', 'setuptools', 'wheel')
_INSTALL_TIMEOUT = 900


class AnsibleUnavailable(Exception):
    """The tools could not be installed; the message says why."""


@contextlib.contextmanager
def _locked(name: str):
    import fcntl
    os.makedirs(WORK, exist_ok=True)
    with open(os.path.join(WORK, name), 'a') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _run(cmd: list[str], timeout: float = _INSTALL_TIMEOUT) -> None:
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise AnsibleUnavailable(f'{" ".join(cmd[:3])} timed out') from None
    if proc.returncode:
        raise AnsibleUnavailable(f'{" ".join(cmd[:4])} failed: '
                                 f'{(proc.stdout + proc.stderr)[-2000:]}')


def _digest(*paths: str) -> str:
    sha = hashlib.sha256()
    for path in paths:
        with open(path, 'rb') as f:
            sha.update(f.read())
    return sha.hexdigest()


def _stamped(directory: str, digest: str) -> bool:
    with contextlib.suppress(FileNotFoundError), \
            open(os.path.join(directory, '.stamp.sha256')) as f:
        return f.read().strip() == digest
    return False


def _stamp(directory: str, digest: str) -> None:
    with open(os.path.join(directory, '.stamp.sha256'), 'w') as f:
        f.write(digest + '\n')


def _collections() -> tuple[str, list[str]]:
    """The pinned package carrying the collections, and their names."""
    lines = wheelhouse.pinned_lines(COLLECTION_LIST)
    return lines[0], lines[1:]


def _extract_collections(wheel: str, names: list[str]) -> None:
    prefixes = tuple('ansible_collections/' + name.replace('.', '/') + '/'
                     for name in names)
    with zipfile.ZipFile(wheel) as archive:
        members = [m for m in archive.namelist() if m.startswith(prefixes)]
        if not members:
            raise AnsibleUnavailable(f'{names} not found in {wheel}')
        archive.extractall(COLLECTIONS, members)


def ensure_tools() -> None:
    """Install the pinned tools and collections unless already there."""
    digest = _digest(REQUIREMENTS, COLLECTION_LIST)
    with _locked('ansible-venv.lock'):
        if _stamped(VENV, digest):
            return
        shutil.rmtree(VENV, ignore_errors=True)
        shutil.rmtree(COLLECTIONS, ignore_errors=True)
        carrier, names = _collections()
        with tempfile.TemporaryDirectory(dir=WORK) as downloads:
            try:
                wheelhouse.download(
                    wheelhouse.pinned_lines(REQUIREMENTS) + [carrier],
                    downloads)
            except wheelhouse.DownloadFailed as exc:
                raise AnsibleUnavailable(str(exc)) from None
            _run([sys.executable, '-m', 'venv', VENV], 300)
            _run([os.path.join(VENV, 'bin', 'pip'), 'install', '-q',
                  '--disable-pip-version-check', '--no-index',
                  '--find-links', downloads, '-r', REQUIREMENTS])
            package = carrier.split('==')[0]
            wheels = [f for f in os.listdir(downloads)
                      if f.startswith(package + '-') and f.endswith('.whl')]
            if not wheels:
                raise AnsibleUnavailable(f'no wheel of {carrier}')
            _extract_collections(os.path.join(downloads, wheels[0]), names)
        _stamp(VENV, digest)


def zaqar_wheelhouse() -> str:
    """A directory of every package zaqar needs, to install it offline."""
    pins = wheelhouse.installed_closure('zaqar') + [
        f'{name}=={metadata.version(name)}' for name in BUILD_REQUIREMENTS]
    digest = hashlib.sha256('\n'.join(sorted(set(pins))).encode()).hexdigest()
    with _locked('ansible-zaqar-wheels.lock'):
        if not _stamped(ZAQAR_WHEELS, digest):
            shutil.rmtree(ZAQAR_WHEELS, ignore_errors=True)
            try:
                wheelhouse.download(sorted(set(pins)), ZAQAR_WHEELS)
            except wheelhouse.DownloadFailed as exc:
                raise AnsibleUnavailable(str(exc)) from None
            _stamp(ZAQAR_WHEELS, digest)
    return ZAQAR_WHEELS


class Tools:
    """The installed tools, run with a private Ansible home."""

    _ready = False
    _failure: str | None = None

    @classmethod
    def get(cls) -> Tools:
        """Install on first use (raises AnsibleUnavailable)."""
        if not cls._ready:
            if cls._failure is not None:
                raise AnsibleUnavailable(cls._failure)
            try:
                ensure_tools()
            except AnsibleUnavailable as exc:
                cls._failure = str(exc)
                raise
            cls._ready = True
        return cls()

    python = os.path.join(VENV, 'bin', 'python')

    def env(self, home: str) -> dict[str, str]:
        """Environment of an Ansible command: our collections, no colour."""
        env = {k: v for k, v in os.environ.items()
               if not k.startswith('ANSIBLE_')}
        env.update({
            'PATH': os.path.join(VENV, 'bin') + os.pathsep + env['PATH'],
            'ANSIBLE_HOME': home,
            'ANSIBLE_LOCAL_TEMP': os.path.join(home, 'tmp'),
            'ANSIBLE_REMOTE_TEMP': os.path.join(home, 'remote-tmp'),
            'ANSIBLE_COLLECTIONS_PATH': COLLECTIONS,
            'ANSIBLE_PIPELINING': '1',
            'ANSIBLE_NOCOLOR': '1',
            'ANSIBLE_FORCE_COLOR': '0',
            'NO_COLOR': '1',
            'XDG_CACHE_HOME': os.path.join(home, 'cache'),
            'XDG_CONFIG_HOME': os.path.join(home, 'config'),
        })
        return env

    def run(self, tool: str, args: list[str], home: str,
            timeout: float = 600) -> subprocess.CompletedProcess:
        """``tool args`` in the playbook directory; output captured."""
        return subprocess.run(
            [os.path.join(VENV, 'bin', tool), *args], cwd=PLAYBOOKS,
            env=self.env(home), capture_output=True, text=True,
            timeout=timeout, check=False)
