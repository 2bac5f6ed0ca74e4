#!/usr/bin/env bash
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

# Stop the emulator started by start.sh, by its pid file. Idempotent.
#
# Usage: bash tools/mongodb-emulator/stop.sh
# The pid file is $ZAQAR_MONGO_PIDFILE, else <state>/mongo-emulator.pid with
# <state> = $ZAQAR_MONGO_STATE or <repo>/.ci/work/mongo (as in start.sh).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
state="${ZAQAR_MONGO_STATE:-$here/../../.ci/work/mongo}"
pidfile="${ZAQAR_MONGO_PIDFILE:-$state/mongo-emulator.pid}"

[[ -f "$pidfile" ]] || { echo "mongodb emulator not running" >&2; exit 0; }
pid="$(cat "$pidfile")"
if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "mongodb emulator $pid ignored SIGTERM; killing" >&2
        kill -KILL "$pid" 2>/dev/null || true
    fi
fi
rm -f "$pidfile"
echo "mongodb emulator stopped" >&2
