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

"""A temporary DevStack-like tree in which the plugin's phases run.

``Harness`` lays out DEST (with this repository as ``$DEST/zaqar``, where
``enable_plugin`` would clone it), DATA_DIR, a log directory and the
harness's own directory (pid files, the stand-ins' call log, uWSGI
sockets, Apache site files), writes a ``localrc`` the way local.conf's
``[[local|localrc]]`` section would, and runs tests/devstack/stack.sh with
the DevStack globals in its environment. Whatever ``run_process`` started
is stopped by pid at cleanup, even when a test failed half-way.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
STACK_SH = os.path.join(HERE, 'stack.sh')
# The phases of one stack.sh run, in DevStack's order.
STACK_PHASES = ('pre-install', 'install', 'post-config', 'extra',
                'test-config')


class StackFailed(AssertionError):
    """stack.sh/unstack.sh/clean.sh (or a lib function) exited non-zero."""


class Harness:
    """One DevStack host's worth of directories, settings and processes."""

    def __init__(self, localrc: str = '', enabled_services: str = 'key',
                 extra_env: dict[str, str] | None = None):
        self.tree = tempfile.mkdtemp(prefix='zaqar-devstack-')
        self.dest = os.path.join(self.tree, 'opt', 'stack')
        self.data_dir = os.path.join(self.dest, 'data')
        self.log_dir = os.path.join(self.tree, 'logs')
        self.dir = os.path.join(self.tree, 'harness')
        self.conf_dir = os.path.join(self.tree, 'etc', 'zaqar')
        self.apache_dir = os.path.join(self.tree, 'etc', 'apache2',
                                       'sites-available')
        self.apache_enabled = os.path.join(self.dir, 'apache',
                                           'sites-enabled')
        self.tempest_conf = os.path.join(self.tree, 'opt', 'stack', 'tempest',
                                         'etc', 'tempest.conf')
        for path in (self.dest, self.data_dir, self.log_dir, self.dir):
            os.makedirs(path)
        # Apache's workers (user nobody) reach the uWSGI socket in here.
        os.chmod(self.tree, 0o755)
        os.symlink(ROOT, os.path.join(self.dest, 'zaqar'))
        self.localrc = os.path.join(self.tree, 'localrc')
        with open(self.localrc, 'w') as f:
            f.write(f'ZAQAR_CONF_DIR={self.conf_dir}\n{localrc}\n')
        self.env = dict(
            os.environ,
            DEST=self.dest, DATA_DIR=self.data_dir, LOGDIR=self.log_dir,
            STACK_USER=getpass.getuser(),
            SERVICE_HOST='127.0.0.1', SERVICE_PROTOCOL='http',
            SERVICE_LISTEN_ADDRESS='127.0.0.1', API_WORKERS='1',
            ENABLE_DEBUG_LOG_LEVEL='True', SERVICE_TIMEOUT='120',
            ENABLED_SERVICES=enabled_services, DISABLED_SERVICES='',
            REGION_NAME='RegionOne', SERVICE_PASSWORD='secretservice',
            SERVICE_PROJECT_NAME='service', SERVICE_DOMAIN_NAME='Default',
            KEYSTONE_SERVICE_URI='http://127.0.0.1/identity',
            TEMPEST_CONFIG=self.tempest_conf,
            APACHE_CONF_DIR=self.apache_dir,
            HARNESS_DIR=self.dir, HARNESS_PYTHON=sys.executable,
            HARNESS_LOCALRC=self.localrc,
            HARNESS_RABBIT_URL='rabbit://guest:guest@127.0.0.1:5672/')
        self.env.update(extra_env or {})

    # -- running the plugin ---------------------------------------------------

    def run(self, *action: str, timeout: float = 300) -> str:
        """``stack.sh ACTION``; returns its output, raises StackFailed."""
        proc = subprocess.run(['bash', STACK_SH, *action], env=self.env,
                              capture_output=True, text=True,
                              timeout=timeout, check=False, cwd=self.tree)
        output = proc.stdout + proc.stderr
        with open(os.path.join(self.dir, f'{"-".join(action)}.log'),
                  'w') as f:
            f.write(output)
        if proc.returncode:
            raise StackFailed(f'stack.sh {" ".join(action)} exited '
                              f'{proc.returncode}:\n{output[-6000:]}\n'
                              f'{self.service_logs()}')
        return output

    def service_logs(self) -> str:
        parts = []
        for name in sorted(os.listdir(self.log_dir)):
            with open(os.path.join(self.log_dir, name), errors='replace') as f:
                parts.append(f'--- {name}\n{f.read()[-3000:]}')
        return '\n'.join(parts)

    # -- what the stand-ins recorded -----------------------------------------

    def calls(self, name: str | None = None) -> list[list[str]]:
        """calls.log rows (function name first), optionally of one name."""
        path = os.path.join(self.dir, 'calls.log')
        if not os.path.exists(path):
            return []
        with open(path) as f:
            rows = [line.rstrip('\n').split('\t') for line in f]
        return [r for r in rows if name is None or r[0] == name]

    def pids(self) -> dict[str, int]:
        """The services run_process started and has not stopped."""
        piddir = os.path.join(self.dir, 'pids')
        if not os.path.isdir(piddir):
            return {}
        found = {}
        for name in os.listdir(piddir):
            with open(os.path.join(piddir, name)) as f:
                found[name[:-len('.pid')]] = int(f.read().strip())
        return found

    # -- cleanup ------------------------------------------------------------------

    def kill_leftovers(self) -> None:
        """Stop (by process group) whatever run_process left running, and
        the private Apache."""
        pids = list(self.pids().values())
        apache_pid = os.path.join(self.dir, 'apache', 'httpd.pid')
        with contextlib.suppress(FileNotFoundError, ValueError), \
                open(apache_pid) as f:
            pids.append(int(f.read().strip()))
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGTERM)
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and alive(pid):
                time.sleep(0.2)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)

    def remove(self) -> None:
        self.kill_leftovers()
        # HARNESS_KEEP=1 leaves the tree (logs, configs) for a post-mortem.
        if os.environ.get('HARNESS_KEEP') != '1':
            shutil.rmtree(self.tree, ignore_errors=True)


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie child of nobody counts as gone)."""
    try:
        with open(f'/proc/{pid}/stat') as f:
            state = f.read().rsplit(')', 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != 'Z'


def read_ini(path: str) -> dict[str, dict[str, str]]:
    """An ini file as {section: {option: value}}, DEFAULT kept apart
    (configparser would copy DEFAULT into every section)."""
    sections: dict[str, dict[str, str]] = {}
    current = None
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line[0] in '#;':
                continue
            if line.startswith('[') and line.endswith(']'):
                current = sections.setdefault(line[1:-1], {})
                continue
            key, sep, value = line.partition('=')
            if not sep or current is None:
                raise ValueError(f'{path}: not ini: {line!r}')
            current[key.strip()] = value.strip()
    return sections
