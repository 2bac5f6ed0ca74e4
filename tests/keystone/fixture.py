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

"""A real Keystone for tests: its own virtualenv, one instance per test run.

``Keystone.get()`` gives this process the run's Keystone, starting it on
first use: the pinned requirements (tests/keystone/requirements.txt) are
installed once into ``.ci/work/keystone-venv`` (reused while the file is
unchanged), Keystone is bootstrapped on SQLite (the schema made once per
venv and copied) with fernet tokens and served
by gunicorn on a free loopback port. Every test process of the run attaches
to the same instance (a state file under a lock) and leaves its pid in a
lease file; tests/keystone/serve.py stops Keystone once none of them lives.
Projects, users and catalog entries are made per test class with unique
names, so classes never see each other's data.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid

import requests
from cryptography import fernet
from keystoneauth1 import exceptions as ks_exceptions
from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3

from tests import logscan

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WORK = os.path.join(ROOT, '.ci', 'work')
VENV = os.path.join(WORK, 'keystone-venv')
RUN = os.path.join(WORK, 'keystone-run')
REQUIREMENTS = os.path.join(HERE, 'requirements.txt')
SERVE = os.path.join(HERE, 'serve.py')
# Generous: the first install downloads ~115 packages.
_INSTALL_TIMEOUT = 1500
_START_TIMEOUT = 90
# Attempts at one admin call that Keystone answers with a 5xx.
_RETRIES = 3
# Persona role names, as Keystone's bootstrap creates them.
ROLES = ('admin', 'member', 'reader')


class KeystoneUnavailable(Exception):
    """Keystone could not be installed or started; the message says why."""


@contextlib.contextmanager
def _locked(name: str):
    os.makedirs(WORK, exist_ok=True)
    with open(os.path.join(WORK, name), 'a') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _run(cmd: list[str], timeout: float, **kwargs) -> None:
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False,
                              timeout=timeout, **kwargs)
    except subprocess.TimeoutExpired:
        raise KeystoneUnavailable(f'{" ".join(cmd[:3])} timed out')
    if proc.returncode:
        raise KeystoneUnavailable(
            f'{" ".join(cmd[:3])} failed ({proc.returncode}): '
            f'{(proc.stdout + proc.stderr)[-2000:]}')


def venv_bin(name: str) -> str:
    return os.path.join(VENV, 'bin', name)


def ensure_venv() -> None:
    """Install the pinned requirements into VENV unless already there."""
    with open(REQUIREMENTS, 'rb') as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    stamp = os.path.join(VENV, '.requirements.sha256')
    with _locked('keystone-venv.lock'):
        with contextlib.suppress(FileNotFoundError), open(stamp) as f:
            if f.read().strip() == digest:
                return
        shutil.rmtree(VENV, ignore_errors=True)
        _run([sys.executable, '-m', 'venv', VENV], 300)
        _run([venv_bin('pip'), 'install', '-q', '--disable-pip-version-check',
              '-r', REQUIREMENTS], _INSTALL_TIMEOUT)
        with open(stamp, 'w') as f:
            f.write(digest + '\n')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        return requests.get(url + '/v3', timeout=5).status_code == 200
    except requests.RequestException:
        return False


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


_CONF = """\
[DEFAULT]
log_file = {dir}/keystone.log

[database]
connection = sqlite:///{dir}/keystone.db

[token]
provider = fernet
expiration = 7200

[fernet_tokens]
key_repository = {dir}/fernet-keys

[fernet_receipts]
key_repository = {dir}/fernet-keys

[credential]
key_repository = {dir}/credential-keys

[identity]
# The cheapest bcrypt cost: tokens are issued often here.
password_hash_rounds = 4

[cache]
enabled = false
"""


def _key_repository(path: str) -> None:
    """What ``keystone-manage fernet_setup``/``credential_setup`` leave: a
    private directory with a staged key ``0`` and a primary key ``1``.
    Written here because each keystone-manage run costs seconds of CPU
    (its imports) for what is two random keys."""
    os.makedirs(path, mode=0o700)
    for name in ('0', '1'):
        fd = os.open(os.path.join(path, name),
                     os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, 'wb') as f:
            f.write(fernet.Fernet.generate_key())


def _schema(manage: list[str], db: str) -> None:
    """An empty Keystone schema at ``db``: ``keystone-manage db_sync`` once
    per venv (the copy kept in it goes when the venv is rebuilt), a file
    copy afterwards. Called under the run lock."""
    template = os.path.join(VENV, 'keystone-schema.db')
    if not os.path.exists(template):
        _run(manage + ['db_sync'], 300)
        shutil.copyfile(db, template + '.tmp')
        os.replace(template + '.tmp', template)
        return
    shutil.copyfile(template, db)


def _bootstrap(run_dir: str, port: int, password: str) -> str:
    """Write keystone.conf and initialise the database and keys."""
    conf = os.path.join(run_dir, 'keystone.conf')
    with open(conf, 'w') as f:
        f.write(_CONF.format(dir=run_dir))
    _key_repository(os.path.join(run_dir, 'fernet-keys'))
    _key_repository(os.path.join(run_dir, 'credential-keys'))
    manage = [venv_bin('keystone-manage'), '--config-file', conf]
    _schema(manage, os.path.join(run_dir, 'keystone.db'))
    url = f'http://127.0.0.1:{port}/v3'
    # "--opt=value": a random password may start with "-".
    _run(manage + ['bootstrap', f'--bootstrap-password={password}',
                   '--bootstrap-admin-url', url,
                   '--bootstrap-internal-url', url,
                   '--bootstrap-public-url', url,
                   '--bootstrap-region-id', 'RegionOne'], 300)
    return conf


def _start(state_path: str, leases: str) -> dict:
    """Bootstrap and serve a new Keystone; returns its state."""
    run_dir = os.path.join(RUN, uuid.uuid4().hex[:12])
    os.makedirs(run_dir)
    port = free_port()
    password = secrets.token_urlsafe(16)
    conf = _bootstrap(run_dir, port, password)
    url = f'http://127.0.0.1:{port}'
    with open(os.path.join(run_dir, 'serve.log'), 'w') as log:
        proc = subprocess.Popen(
            [venv_bin('python'), SERVE, 'supervise',
             '--bind', f'127.0.0.1:{port}', '--config', conf,
             '--leases', leases,
             '--lock', os.path.join(WORK, 'keystone-run.lock'),
             '--state', state_path, '--run-dir', run_dir],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
    deadline = time.monotonic() + _START_TIMEOUT
    while not _answers(url):
        if proc.poll() is not None or time.monotonic() > deadline:
            with open(os.path.join(run_dir, 'serve.log')) as f:
                tail = f.read()[-2000:]
            proc.kill()
            raise KeystoneUnavailable(f'Keystone did not start: {tail}')
        time.sleep(0.25)
    return {'url': url, 'admin_password': password, 'pid': proc.pid,
            'run_dir': run_dir}


def _attach() -> dict:
    """The run's Keystone state, starting Keystone if none is serving."""
    state_path = os.path.join(RUN, 'state.json')
    leases = os.path.join(RUN, 'leases')
    with _locked('keystone-run.lock'):
        os.makedirs(RUN, exist_ok=True)
        state = None
        with contextlib.suppress(FileNotFoundError, ValueError), \
                open(state_path) as f:
            state = json.load(f)
        if not (state and _pid_alive(state['pid'])
                and _answers(state['url'])):
            if state and _pid_alive(state['pid']):
                # Ours, but no longer answering: retire it.
                os.kill(state['pid'], signal.SIGTERM)
            for name in os.listdir(RUN):
                if not name.startswith(('leases', 'state.json', 'last-')):
                    shutil.rmtree(os.path.join(RUN, name),
                                  ignore_errors=True)
            with open(leases, 'w'):
                pass
            state = _start(state_path, leases)
            fd = os.open(state_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                         0o600)
            with os.fdopen(fd, 'w') as f:
                json.dump(state, f)
        with open(leases, 'a') as f:
            f.write(f'{os.getpid()}\n')
    return state


def _retrying(call):
    """``call()``, again after a pause when Keystone answers with a 5xx.

    (A freshly started Keystone has been seen to fail a first request.)
    """
    for attempt in range(_RETRIES):
        try:
            return call()
        except ks_exceptions.HttpError as exc:
            if (exc.http_status or 0) < 500 or attempt == _RETRIES - 1:
                raise
            time.sleep(0.5 * (attempt + 1))
    raise AssertionError('unreachable')


@dataclasses.dataclass(frozen=True)
class User:
    """A user with a role on one project."""

    name: str
    id: str
    password: str
    project_id: str
    role: str


class Keystone:
    """The run's Keystone, and admin helpers that drive its v3 API."""

    _instance: Keystone | None = None
    _failure: str | None = None

    def __init__(self, state: dict):
        self.url = state['url']
        self.auth_url = self.url + '/v3'
        logscan.remember('keystone admin password', state['admin_password'])
        self.admin = ks_session.Session(auth=v3.Password(
            auth_url=self.auth_url, username='admin',
            password=state['admin_password'], user_domain_id='default',
            project_name='admin', project_domain_id='default'))
        self.roles = {r['name']: r['id']
                      for r in self._get('/roles')['roles']}

    @classmethod
    def get(cls) -> Keystone:
        """This process's Keystone (raises KeystoneUnavailable)."""
        if cls._instance is None:
            if cls._failure is not None:
                raise KeystoneUnavailable(cls._failure)
            try:
                ensure_venv()
                cls._instance = cls(_attach())
            except KeystoneUnavailable as exc:
                cls._failure = str(exc)
                raise
        return cls._instance

    # -- the v3 API, as the bootstrap admin -------------------------------

    def _call(self, method: str, path: str, **kwargs):
        def request():
            resp = self.admin.request(self.auth_url + path, method,
                                      raise_exc=False, **kwargs)
            if resp.status_code >= 500:
                raise ks_exceptions.HttpError(http_status=resp.status_code,
                                              message=resp.text)
            return resp
        resp = _retrying(request)
        if resp.status_code >= 400:
            raise AssertionError(f'Keystone {method} {path}: '
                                 f'{resp.status_code} {resp.text}')
        return resp.json() if resp.content else None

    def _get(self, path: str):
        return self._call('GET', path)

    def project(self, name: str) -> str:
        body = {'project': {'name': name, 'domain_id': 'default'}}
        return self._call('POST', '/projects', json=body)['project']['id']

    def user(self, name: str, project_id: str, role: str) -> User:
        password = secrets.token_urlsafe(12)
        body = {'user': {'name': name, 'password': password,
                         'domain_id': 'default',
                         'default_project_id': project_id}}
        user_id = self._call('POST', '/users', json=body)['user']['id']
        self._call('PUT', f'/projects/{project_id}/users/{user_id}/roles/'
                          f'{self.roles[role]}')
        logscan.remember('keystone user password', password)
        return User(name, user_id, password, project_id, role)

    def messaging_endpoint(self, region: str, url: str) -> None:
        """A messaging service reachable at ``url`` in its own region."""
        self._call('POST', '/regions', json={'region': {'id': region}})
        service = self._call('POST', '/services', json={'service': {
            'type': 'messaging', 'name': f'zaqar-{region}'}})['service']
        for interface in ('public', 'internal'):
            self._call('POST', '/endpoints', json={'endpoint': {
                'service_id': service['id'], 'interface': interface,
                'region_id': region, 'url': url}})

    def revoke(self, token: str) -> None:
        self._call('DELETE', '/auth/tokens',
                   headers={'X-Subject-Token': token})

    # -- what tests use -----------------------------------------------------

    def session(self, user: User) -> ks_session.Session:
        """A session that authenticates as ``user``, scoped to its project."""
        return ks_session.Session(auth=v3.Password(
            auth_url=self.auth_url, user_id=user.id, password=user.password,
            project_id=user.project_id))

    def token(self, user: User) -> str:
        token = _retrying(self.session(user).get_token)
        logscan.remember('keystone token', token)
        return token


@dataclasses.dataclass
class World:
    """Projects and users of one test class, and the service user."""

    keystone: Keystone
    tag: str
    projects: dict[str, str]
    users: dict[str, User]
    service: User

    @classmethod
    def build(cls, keystone: Keystone,
              personas: dict[str, tuple[str, ...]]) -> World:
        """``personas``: project label -> roles to make a user for."""
        tag = uuid.uuid4().hex[:8]
        projects = {label: keystone.project(f'{label}-{tag}')
                    for label in personas}
        users = {f'{label}_{role}': keystone.user(
                     f'{label}-{role}-{tag}', projects[label], role)
                 for label, roles in personas.items() for role in roles}
        service_project = keystone.project(f'service-{tag}')
        service = keystone.user(f'zaqar-{tag}', service_project, 'service')
        return cls(keystone, tag, projects, users, service)

    def authtoken_section(self, token_cache_time: int = 300) -> str:
        """[keystone_authtoken] for a zaqar-server validating our tokens.

        ``token_cache_time = -1`` validates every request with Keystone,
        so a revoked token is refused at once, not after the cache time.
        """
        ks = self.keystone
        return (f'[keystone_authtoken]\n'
                f'www_authenticate_uri = {ks.auth_url}\n'
                f'auth_url = {ks.auth_url}\n'
                f'auth_type = password\n'
                f'user_id = {self.service.id}\n'
                f'password = {self.service.password}\n'
                f'project_id = {self.service.project_id}\n'
                f'interface = public\n'
                f'service_type = messaging\n'
                f'token_cache_time = {token_cache_time}\n')
