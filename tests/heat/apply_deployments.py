"""os-collect-config's command in the Heat tests: apply, then run hooks.

Stands in for os-refresh-config + os-apply-config on a guest image: merges
the collected metadata (``OS_CONFIG_FILES``, as os-collect-config passes
it), writes its ``deployments`` list where heat-agents' hooks read it
(``HEAT_SHELL_CONFIG``, what the heat-config template renders), then runs
the unmodified ``55-heat-config`` (``ZAQAR_TEST_HEAT_CONFIG``).
"""

import json
import os
import subprocess
import sys


def main() -> int:
    merged = {}
    for path in filter(None, os.environ.get('OS_CONFIG_FILES', '')
                       .split(':')):
        with open(path) as f:
            merged.update(json.load(f))
    target = os.environ['HEAT_SHELL_CONFIG']
    with os.fdopen(os.open(target, os.O_CREAT | os.O_WRONLY | os.O_TRUNC,
                           0o600), 'w') as f:
        json.dump(merged.get('deployments') or [], f)
    return subprocess.call([os.environ['ZAQAR_TEST_HEAT_CONFIG']])


if __name__ == '__main__':
    sys.exit(main())
