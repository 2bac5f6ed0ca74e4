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

"""prometheus-client multiprocess mode for zaqar-server's workers.

The directory must be in PROMETHEUS_MULTIPROC_DIR before any worker
imports prometheus-client, so the arbiter sets it before forking; each
worker writes its own files there and a scrape answered by any worker
reads them all. A dead worker's live gauges are dropped when it exits.
"""

from __future__ import annotations

import atexit
import glob
import os
import shutil
import tempfile

ENV = 'PROMETHEUS_MULTIPROC_DIR'


def prepare(conf) -> str:
    """Set up (and empty) the shared directory; returns it."""
    directory = os.environ.get(ENV) or conf.metrics.multiproc_dir
    if not directory:
        directory = tempfile.mkdtemp(prefix='zaqar-metrics-')
        arbiter = os.getpid()
        atexit.register(_remove, directory, arbiter)
    os.makedirs(directory, exist_ok=True)
    # Files of an earlier run would be added to this one's counts.
    for stale in glob.glob(os.path.join(directory, '*.db')):
        os.unlink(stale)
    os.environ[ENV] = directory
    return directory


def _remove(directory: str, owner: int) -> None:
    if os.getpid() == owner:
        shutil.rmtree(directory, ignore_errors=True)


def worker_exited(server, worker) -> None:
    """gunicorn's child_exit hook: forget the worker's live gauges."""
    from prometheus_client import multiprocess
    multiprocess.mark_process_dead(worker.pid)
