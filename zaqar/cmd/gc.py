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

"""zaqar-gc: remove expired messages, claims and subscriptions from storage.

Reads ignore expired data already; collecting it only gives the space back.
API workers sweep in the background every ``[storage] gc_interval``
seconds; deployments that turn that off (``gc_interval = 0``) run this
instead, once (from cron) or with ``--interval`` as a long-running service.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time

from oslo_log import log as logging

from zaqar import bootstrap
from zaqar.cmd import common

LOG = logging.getLogger(__name__)

# Exit statuses.
OK = 0
FAILED = 1
BAD_CONFIG = 2


def _parse(argv: list[str]):
    parser = argparse.ArgumentParser(
        prog='zaqar-gc', description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='Other arguments (--config-file, --config-dir, --debug, ...) '
               'are oslo.config/oslo.log options.')
    parser.add_argument('--interval', type=float, metavar='SECONDS',
                        help='Sweep every SECONDS until SIGTERM or SIGINT '
                             '(default: sweep once and exit).')
    return parser.parse_known_args(argv)


def sweep(storage) -> int | None:
    """One sweep; the number of items removed, None when it failed."""
    started = time.monotonic()
    try:
        removed = storage.gc()
    except Exception:
        LOG.exception('Expired-data sweep failed')
        return None
    LOG.info('Removed %d expired items in %.3f s', removed,
             time.monotonic() - started)
    return removed


def run_forever(storage, interval: float, stop: threading.Event) -> int:
    """Sweep every ``interval`` seconds until ``stop`` is set."""
    failures = 0
    while not stop.is_set():
        if sweep(storage) is None:
            failures += 1
        stop.wait(interval)
    LOG.info('Stopping (%d failed sweeps)', failures)
    return OK


def main(argv: list[str] | None = None) -> int:
    args, oslo_args = _parse(sys.argv[1:] if argv is None else argv)
    if args.interval is not None and args.interval <= 0:
        print('zaqar-gc: --interval must be positive', file=sys.stderr)
        return BAD_CONFIG
    conf = common.load_config(oslo_args)
    try:
        storage = bootstrap.storage_from_conf(conf)
    except bootstrap.ConfigError as exc:
        print(f'zaqar-gc: {exc}', file=sys.stderr)
        return BAD_CONFIG
    try:
        if args.interval is None:
            removed = sweep(storage)
            if removed is None:
                return FAILED
            print(f'Removed {removed} expired items.')
            return OK
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        return run_forever(storage, args.interval, stop)
    finally:
        storage.close()


if __name__ == '__main__':
    sys.exit(main())
