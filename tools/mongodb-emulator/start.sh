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

# Start the MongoDB-wire test emulator (mongoeco, in-memory) in the background.
#
# Usage (from anywhere; paths default to the repository's .ci/work/):
#
#     eval "$(bash tools/mongodb-emulator/start.sh)"   # exports the two vars below
#     ... run the tests ...
#     bash tools/mongodb-emulator/stop.sh
#
# stdout is exactly two eval-able lines, everything else goes to stderr:
#
#     export ZAQAR_TEST_MONGODB_URL=mongodb://127.0.0.1:PORT/?directConnection=true
#     export ZAQAR_MONGO_PIDFILE=/abs/path/mongo-emulator.pid
#
# Idempotent: a running emulator (live pid + URI file) is reused, and the
# Python 3.13 virtualenv is created and pip-installed only when missing or
# when requirements.txt changed. Exits non-zero if the server does not come up.
#
# Environment:
#   ZAQAR_MONGO_VENV    virtualenv path      (default <repo>/.ci/work/mongo-venv)
#   ZAQAR_MONGO_STATE   pid/URI/log folder   (default <repo>/.ci/work/mongo)
#   ZAQAR_MONGO_PYTHON  a python >= 3.13     (default pyenv's 3.13.x, else python3.13)
#
# The emulator writes ~70 indexed docs/s: run the contract concurrency test
# with ZAQAR_TEST_CONCURRENCY_MESSAGES=500 against it.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="${ZAQAR_MONGO_VENV:-$repo/.ci/work/mongo-venv}"
state="${ZAQAR_MONGO_STATE:-$repo/.ci/work/mongo}"
mkdir -p "$state"
case "$venv" in /*) ;; *) venv="$PWD/$venv" ;; esac
state="$(cd "$state" && pwd)"
pidfile="$state/mongo-emulator.pid"
urifile="$state/mongo-emulator.uri"
logfile="$state/mongo-emulator.log"

report() {
    echo "export ZAQAR_TEST_MONGODB_URL=$(cat "$urifile")"
    echo "export ZAQAR_MONGO_PIDFILE=$pidfile"
}

if [[ -f "$pidfile" && -s "$urifile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "mongodb emulator already running (pid $(cat "$pidfile"))" >&2
    report
    exit 0
fi
rm -f "$pidfile" "$urifile"

find_python() {
    if [[ -n "${ZAQAR_MONGO_PYTHON:-}" ]]; then
        echo "$ZAQAR_MONGO_PYTHON"; return
    fi
    local root candidate
    if root="$(pyenv root 2>/dev/null)"; then
        for candidate in "$root"/versions/3.13*/bin/python3.13; do
            [[ -x "$candidate" ]] && { echo "$candidate"; return; }
        done
    fi
    if python3.13 -c 'import sys' 2>/dev/null; then
        command -v python3.13; return
    fi
    echo "no Python 3.13 found (set ZAQAR_MONGO_PYTHON)" >&2
    return 1
}

stamp="$venv/.zaqar-requirements"
if ! [[ -x "$venv/bin/python" ]] || ! cmp -s "$here/requirements.txt" "$stamp"; then
    python="$(find_python)"
    echo "creating $venv with $python" >&2
    "$python" -m venv "$venv" >&2
    "$venv/bin/pip" install -q --disable-pip-version-check \
        -r "$here/requirements.txt" >&2
    cp "$here/requirements.txt" "$stamp"
fi

nohup "$venv/bin/python" "$here/launcher.py" "$urifile" \
    >"$logfile" 2>&1 </dev/null &
echo $! >"$pidfile"

for _ in $(seq 1 300); do
    if [[ -s "$urifile" ]]; then
        echo "mongodb emulator pid $(cat "$pidfile"), log $logfile" >&2
        report
        exit 0
    fi
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
        break
    fi
    sleep 0.1
done
echo "mongodb emulator failed to start; log follows:" >&2
cat "$logfile" >&2
kill "$(cat "$pidfile")" 2>/dev/null || true
rm -f "$pidfile"
exit 1
