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

"""zaqar-notifier: delivers notifications from the outbox, with no HTTP API.

Runs the same delivery threads as an API worker with ``[notification]
notifier_in_api``; any number of notifier processes and API workers can
share one store. SIGTERM or SIGINT stops it; what it had taken and not
delivered is delivered again (by any notifier) once its lease runs out.
"""

from __future__ import annotations

import signal
import sys
import threading

from oslo_log import log as logging

from zaqar import bootstrap
from zaqar.cmd import common

LOG = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> None:
    conf = common.load_config(sys.argv[1:] if argv is None else argv)
    try:
        service = bootstrap.service_from_conf(conf, background=False)
    except bootstrap.ConfigError as exc:
        sys.exit(f'zaqar-notifier: {exc}')
    from zaqar.notification import pipeline
    notifier = pipeline.Notifier(service)
    stopping = threading.Event()

    def stop(signum, _frame):
        LOG.info('Signal %d: stopping', signum)
        stopping.set()
        notifier.stop(timeout=0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    LOG.info('Delivering notifications from %s with %d workers',
             conf.drivers.message_store, notifier.workers)
    notifier.run()
    service.storage.close()


if __name__ == '__main__':
    main()
