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
