#!/bin/bash
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

#
# Runs the Zaqar DevStack plugin the way stack.sh, unstack.sh and clean.sh
# do, without DevStack: the stand-ins of standins.sh, then the local.conf
# settings ($HARNESS_LOCALRC, like [[local|localrc]]), then the plugin's
# settings, then plugin.sh once per phase, all in this one shell.
#
#   stack.sh stack      pre-install, install, post-config, extra, test-config
#   stack.sh unstack    unstack
#   stack.sh clean      unstack, then clean (as clean.sh does)
#   stack.sh call FN    only the function FN of lib/zaqar
#
# The DevStack globals (DEST, DATA_DIR, SERVICE_HOST, ...) and the HARNESS_*
# variables come from the environment the tests set.

set -o errexit
# Trace lines carry the seconds since start: where a slow phase spends it.
PS4='+ ${SECONDS}s ${BASH_SOURCE[0]##*/}:${LINENO}: '
set -o xtrace

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/devstack/standins.sh
source "$HERE/standins.sh"
if [[ -n "$HARNESS_LOCALRC" ]]; then
    # shellcheck disable=SC1090
    source "$HARNESS_LOCALRC"
fi
# shellcheck source=devstack/settings
source "$DEST/zaqar/devstack/settings"

function run_phase {
    # shellcheck source=devstack/plugin.sh
    source "$DEST/zaqar/devstack/plugin.sh" "$@"
}

case "$1" in
    stack)
        for phase in pre-install install post-config extra test-config; do
            run_phase stack "$phase"
        done
        ;;
    unstack)
        run_phase unstack
        # unstack.sh stops Apache, which holds the proxies to uWSGI.
        stop_apache_server
        ;;
    clean)
        run_phase unstack
        stop_apache_server
        run_phase clean
        ;;
    call)
        # shellcheck source=devstack/lib/zaqar
        source "$DEST/zaqar/devstack/lib/zaqar"
        "$2"
        ;;
    *)
        echo "usage: $0 stack|unstack|clean|call FUNCTION" >&2
        exit 2
        ;;
esac
# The services the stack left running, for the tests.
echo "ENABLED_SERVICES=$ENABLED_SERVICES" > "$HARNESS_DIR/enabled_services"
