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

"""Serve Keystone on gunicorn while any test process still holds a lease.

Runs with the Keystone virtualenv's Python (not the test environment's):

    serve.py supervise --bind HOST:PORT --config FILE --leases FILE
                       --lock FILE --state FILE --run-dir DIR
    serve.py gunicorn --bind HOST:PORT        (the child; reads
                                               OS_KEYSTONE_CONFIG_FILES)

The supervisor starts the gunicorn child and, once a second, looks at the
lease file (one test-process pid per line): when none of those processes is
alive it stops Keystone, removes the state file and its run directory, and
exits. Test processes of one run share the instance this way, and nothing
is left running after the last one ends, however it ended.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time

# Seconds between two looks at the lease file.
_POLL = 1.0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _leases(path: str) -> list[int]:
    try:
        with open(path) as f:
            return [int(line) for line in f if line.strip().isdigit()]
    except FileNotFoundError:
        return []


def _gunicorn(bind: str) -> None:
    from gunicorn.app import base

    class Keystone(base.BaseApplication):
        def load_config(self):
            self.cfg.set('bind', bind)
            # One request at a time: Keystone's SQLite database refuses
            # concurrent writers ("database is locked").
            self.cfg.set('workers', 1)
            self.cfg.set('worker_class', 'sync')
            self.cfg.set('graceful_timeout', 5)
            self.cfg.set('accesslog', None)

        def load(self):
            from keystone.wsgi import api
            return api.application

    # Keystone parses sys.argv with oslo.config: give it nothing to parse.
    sys.argv = sys.argv[:1]
    Keystone().run()


def _supervise(args) -> int:
    env = dict(os.environ, OS_KEYSTONE_CONFIG_FILES=args.config)
    child = subprocess.Popen([sys.executable, os.path.abspath(__file__),
                              'gunicorn', '--bind', args.bind], env=env)

    def stop(*_):
        child.terminate()
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()

    signal.signal(signal.SIGTERM, lambda *_: (stop(), sys.exit(0)))
    code = 0
    while True:
        time.sleep(_POLL)
        if child.poll() is not None:
            code = 1
            break
        with open(args.lock, 'a') as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if any(_alive(pid) for pid in _leases(args.leases)):
                continue
            # Nobody left: retire this instance while holding the lock, so
            # no test process attaches to it in the meantime.
            try:
                os.unlink(args.state)
            except FileNotFoundError:
                pass
            break
    stop()
    # Keep the last logs beside the run directories for post-mortems.
    for name in ('keystone.log', 'serve.log'):
        log = os.path.join(args.run_dir, name)
        if os.path.exists(log):
            shutil.copy(log, os.path.join(os.path.dirname(args.run_dir),
                                          'last-' + name))
    shutil.rmtree(args.run_dir, ignore_errors=True)
    return code


def main() -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest='mode', required=True)
    sup = sub.add_parser('supervise')
    for name in ('bind', 'config', 'leases', 'lock', 'state', 'run_dir'):
        sup.add_argument('--' + name.replace('_', '-'), required=True)
    child = sub.add_parser('gunicorn')
    child.add_argument('--bind', required=True)
    args = parser.parse_args()
    if args.mode == 'gunicorn':
        _gunicorn(args.bind)
        return 0
    return _supervise(args)


if __name__ == '__main__':
    sys.exit(main())
