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

"""A "server" for OS::Heat::DeployedServer: stock guest tooling, run locally.

The real os-collect-config (zaqar collector) polls the server's queue as
the stack user; on new metadata it runs ``apply_deployments.py``, which
stands in for os-apply-config's heat-config template (it writes the
``deployments`` list where the hooks read it) and then runs heat-agents'
unmodified ``55-heat-config``. That runs the ``script`` hook
(``hook-script.py``) and ``heat-config-notify``, which signals Heat through
the messaging service's /v1.1 API with python-zaqarclient 2.4.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import stat
import subprocess
import sys
import tarfile

from tests.heat import venvs

HERE = venvs.HERE
REQUIREMENTS = os.path.join(HERE, 'guest-requirements.txt')
# heat-agents ships its hooks in the sdist only (the wheel has none).
HEAT_AGENTS = 'heat-agents==13.0.0'
# The sdist's top directory, unpacked under .ci/work.
AGENTS_DIR = os.path.join(venvs.WORK, 'heat_agents-13.0.0')
APPLY = os.path.join(HERE, 'apply_deployments.py')


def ensure_agents(venv: str) -> str:
    """heat-agents' source tree, downloaded once by pip from PyPI."""
    with venvs.locked('heat-agents.lock'):
        marker = os.path.join(AGENTS_DIR, 'heat-config', 'bin',
                              'heat-config-notify')
        if os.path.exists(marker):
            return AGENTS_DIR
        download = os.path.join(venvs.WORK, 'heat-agents-sdist')
        shutil.rmtree(download, ignore_errors=True)
        venvs.run([venvs.bin_path(venv, 'pip'), 'download', '-q',
                   '--no-deps', '--no-binary', ':all:', '-d', download,
                   HEAT_AGENTS], 600)
        (archive,) = glob.glob(os.path.join(download, '*.tar.gz'))
        with tarfile.open(archive) as tar:
            tar.extractall(venvs.WORK, filter='data')
        shutil.rmtree(download, ignore_errors=True)
        if not os.path.exists(marker):
            raise venvs.ToolUnavailable(f'{HEAT_AGENTS}: no heat-config')
    return AGENTS_DIR


def _executable(path: str) -> None:
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP
             | stat.S_IXOTH)


class Guest:
    """os-collect-config and the hooks, in a scratch "root" directory."""

    def __init__(self, venv: str, agents: str, root: str):
        self.venv = venv
        self.agents = agents
        self.root = root
        self.process: subprocess.Popen | None = None
        self.hooks = os.path.join(root, 'hooks')
        os.makedirs(self.hooks, exist_ok=True)
        hook = os.path.join(self.hooks, 'script')
        shutil.copy(os.path.join(agents, 'heat-config-script', 'install.d',
                                 'hook-script.py'), hook)
        _executable(hook)
        self.notify = os.path.join(agents, 'heat-config', 'bin',
                                   'heat-config-notify')
        self.heat_config = os.path.join(
            agents, 'heat-config', 'os-refresh-config', 'configure.d',
            '55-heat-config')
        for script in (self.notify, self.heat_config):
            _executable(script)

    def env(self) -> dict:
        """Where the hooks keep their state; the venv's python3 first."""
        join = os.path.join
        return {
            **os.environ,
            'PATH': join(self.venv, 'bin') + os.pathsep + os.environ['PATH'],
            'HEAT_CONFIG_HOOKS': self.hooks,
            'HEAT_SHELL_CONFIG': join(self.root, 'heat-config'),
            'HEAT_CONFIG_DEPLOYED': join(self.root, 'deployed'),
            'HEAT_CONFIG_DEPLOYED_OLD': join(self.root, 'deployed-old'),
            'HEAT_CONFIG_NOTIFY': self.notify,
            'HEAT_SCRIPT_WORKING': join(self.root, 'script-working'),
            'HEAT_SCRIPT_OUTPUTS': join(self.root, 'script-outputs'),
            'ZAQAR_TEST_HEAT_CONFIG': self.heat_config,
        }

    def start(self, collect_config: dict) -> None:
        """Run os-collect-config with the server's ``os_collect_config``."""
        zaqar = collect_config['zaqar']
        conf = os.path.join(self.root, 'os-collect-config.conf')
        lines = ['[DEFAULT]',
                 f'command = {venvs.bin_path(self.venv, "python")} {APPLY}',
                 'collectors = zaqar',
                 'polling_interval = 1',
                 f'cachedir = {os.path.join(self.root, "cache")}',
                 '', '[zaqar]']
        for key in ('auth_url', 'user_id', 'password', 'project_id',
                    'queue_id', 'region_name'):
            if zaqar.get(key) is not None:
                lines.append(f'{key} = {zaqar[key]}')
        with open(conf, 'w') as f:
            f.write('\n'.join(lines) + '\n')
        with open(os.path.join(self.root, 'guest.log'), 'w') as log:
            self.process = subprocess.Popen(
                [venvs.bin_path(self.venv, 'os-collect-config'),
                 '--config-file', conf],
                stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, env=self.env(),
                start_new_session=True, cwd=self.root)

    def log(self) -> str:
        path = os.path.join(self.root, 'guest.log')
        if not os.path.exists(path):
            return ''
        with open(path, errors='replace') as f:
            return f.read()[-6000:]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


if __name__ == '__main__':  # pragma: no cover - manual use
    print(ensure_agents(sys.argv[1]))
