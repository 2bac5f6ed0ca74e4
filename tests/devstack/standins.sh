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
# Stand-ins for the DevStack functions the Zaqar plugin calls, with
# DevStack's semantics, for running the plugin without a DevStack checkout:
#
# - iniset/iniget read and write ini files for real;
# - run_process really starts the command in the background (its own
#   session, output in $LOGDIR/<service>.log) and keeps its pid in
#   $HARNESS_DIR/pids/<service>.pid; stop_process stops it by that pid;
# - the Keystone calls (get_or_create_*, get_or_add_user_project_role,
#   create_service_user) are made against a real Keystone through
#   keystone_calls.py;
# - write_uwsgi_config writes the uWSGI ini and the Apache site file as
#   DevStack does, under $HARNESS_DIR instead of /var/run and /etc/apache2,
#   and restart_apache_server runs a private apache2 that proxies to it;
# - package installs and system service restarts, which need a real host,
#   are only recorded.
#
# Every call is appended to $HARNESS_DIR/calls.log as tab-separated fields
# (function name, then its arguments), which the tests read.

HARNESS_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# _record NAME ARGS...: one line of calls.log.
function _record {
    local IFS=$'\t'
    echo "$*" >> "$HARNESS_DIR/calls.log"
}

function echo_summary {
    echo "=== $*"
}

# warn LINENO MESSAGE
function warn {
    local line=$1
    shift
    echo "[WARNING] ${BASH_SOURCE[1]}:$line $*" >&2
}

# die LINENO MESSAGE: DevStack prints the message and stops stack.sh.
function die {
    local line=$1
    shift
    echo "[ERROR] ${BASH_SOURCE[1]}:$line $*" >&2
    exit 1
}

# sudo: the harness already runs as the user that may do anything.
function sudo {
    "$@"
}

# trueorfalse DEFAULT VARNAME: the variable as True or False.
function trueorfalse {
    local default=$1
    local value=${!2:-$default}
    case "$value" in
        1|yes|Yes|YES|true|True|TRUE|on|On|ON) echo True ;;
        0|no|No|NO|false|False|FALSE|off|Off|OFF|"") echo False ;;
        *) die $LINENO "$2 must be True or False, not '$value'" ;;
    esac
}

function get_python_exec_prefix {
    dirname "$HARNESS_PYTHON"
}

function generate_hex_string {
    od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'
}

# Services
# --------

function is_service_enabled {
    local service
    for service in "$@"; do
        [[ ",$ENABLED_SERVICES," == *",$service,"* ]] && return 0
    done
    return 1
}

# enable_service: DevStack leaves services that local.conf disabled off.
function enable_service {
    local service
    for service in "$@"; do
        if [[ ",$DISABLED_SERVICES," == *",$service,"* ]]; then
            continue
        fi
        if ! is_service_enabled "$service"; then
            ENABLED_SERVICES+=${ENABLED_SERVICES:+,}$service
        fi
    done
}

function disable_service {
    local service
    for service in "$@"; do
        ENABLED_SERVICES=$(echo ",$ENABLED_SERVICES," |
            sed -e "s/,$service,/,/g" -e 's/^,//' -e 's/,$//')
        DISABLED_SERVICES+=${DISABLED_SERVICES:+,}$service
    done
}

# Ini files
# ---------

# iniset [-sudo] FILE SECTION OPTION VALUE: set the option, creating the
# file and the section when missing.
function iniset {
    if [[ "$1" == "-sudo" ]]; then
        shift
    fi
    local file=$1 section=$2 option=$3 value=$4
    _record iniset "$file" "$section" "$option" "$value"
    mkdir -p "$(dirname "$file")"
    touch "$file"
    local tmp
    tmp=$(mktemp "$file.XXXXXX")
    # Two passes over the file: the first finds whether the section and
    # the option exist; the second replaces the option in place, or adds it
    # right under the section header (as DevStack does), or appends the
    # section.
    awk -v section="$section" -v option="$option" -v value="$value" '
        function is_header(line) { return line ~ /^\[.*\][[:space:]]*$/ }
        function header_is_ours(line) {
            sub(/[[:space:]]+$/, "", line)
            return line == "[" section "]"
        }
        function key_of(line,    eq, key) {
            if (line ~ /^[[:space:]]*[#;]/) return ""
            eq = index(line, "=")
            if (eq == 0) return ""
            key = substr(line, 1, eq - 1)
            gsub(/^[[:space:]]+|[[:space:]]+$/, "", key)
            return key
        }
        NR == FNR {
            if (is_header($0)) { ours = header_is_ours($0); if (ours) seen = 1; next }
            if (ours && key_of($0) == option) present = 1
            next
        }
        {
            if (is_header($0)) {
                ours = header_is_ours($0)
                print
                if (ours && !present && !done) { print option " = " value; done = 1 }
                next
            }
            if (ours && present && !done && key_of($0) == option) {
                print option " = " value; done = 1; next
            }
            print
        }
        END {
            if (!seen) {
                if (FNR > 0) print ""
                print "[" section "]"; print option " = " value
            }
        }' "$file" "$file" > "$tmp"
    mv "$tmp" "$file"
}

# iniget FILE SECTION OPTION: the option's value (empty when unset).
function iniget {
    local file=$1 section=$2 option=$3
    [[ -f "$file" ]] || return 0
    awk -v section="$section" -v option="$option" '
        /^\[.*\][[:space:]]*$/ {
            header = $0
            sub(/[[:space:]]+$/, "", header)
            in_section = (header == "[" section "]")
            next
        }
        in_section && $0 !~ /^[[:space:]]*#/ {
            line = $0
            eq = index(line, "=")
            if (eq == 0) next
            key = substr(line, 1, eq - 1)
            gsub(/^[[:space:]]+|[[:space:]]+$/, "", key)
            if (key == option) {
                val = substr(line, eq + 1)
                gsub(/^[[:space:]]+|[[:space:]]+$/, "", val)
                print val; exit
            }
        }' "$file"
}

# Packages and host services (recorded only)
# ------------------------------------------

# setup_develop DIR: DevStack pip-installs the checkout in development
# mode; here the test interpreter must already import zaqar from DIR.
function setup_develop {
    _record setup_develop "$@"
    "$HARNESS_PYTHON" - "$1" <<'EOF' || die $LINENO "zaqar is not installed from $1"
import os, sys
import zaqar
here = os.path.realpath(os.path.dirname(zaqar.__file__))
sys.exit(not here.startswith(os.path.realpath(sys.argv[1]) + os.sep))
EOF
}

function pip_install {
    _record pip_install "$@"
}

function install_package {
    _record install_package "$@"
}

function restart_service {
    _record restart_service "$@"
}

# The machine's RabbitMQ is the notification bus.
function get_notification_url {
    echo "$HARNESS_RABBIT_URL"
}

function database_connection_url {
    die $LINENO "the harness has no DevStack database service"
}

function recreate_database {
    die $LINENO "the harness has no DevStack database service"
}

# Processes
# ---------

# run_process SERVICE COMMAND: start COMMAND when SERVICE is enabled.
function run_process {
    local service=$1 command=$2
    is_service_enabled "$service" || return 0
    _record run_process "$service" "$command"
    mkdir -p "$HARNESS_DIR/pids" "$LOGDIR"
    # shellcheck disable=SC2086
    setsid $command > "$LOGDIR/$service.log" 2>&1 < /dev/null &
    echo $! > "$HARNESS_DIR/pids/$service.pid"
}

# stop_process SERVICE: stop it (SIGTERM, SIGKILL after 20 s) by its pid.
function stop_process {
    local service=$1
    _record stop_process "$service"
    local pidfile=$HARNESS_DIR/pids/$service.pid
    [[ -f "$pidfile" ]] || return 0
    local pid
    pid=$(cat "$pidfile")
    if kill -TERM "$pid" 2> /dev/null; then
        local deadline
        deadline=$((SECONDS + 20))
        while [[ $SECONDS -lt $deadline ]] && kill -0 "$pid" 2> /dev/null; do
            sleep 0.25
        done
        kill -KILL "$pid" 2> /dev/null || true
    fi
    rm -f "$pidfile"
}

# wait_for_service TIMEOUT URL: true once URL answers HTTP at all.
function wait_for_service {
    local deadline
    deadline=$((SECONDS + $1))
    while [[ $SECONDS -lt $deadline ]]; do
        if [[ $(curl -g -s -o /dev/null -w '%{http_code}' "$2") != 000 ]]; then
            return 0
        fi
        sleep 0.5
    done
    return 1
}

# Apache and uWSGI
# ----------------
# Site files go to $APACHE_CONF_DIR (sites-available) and are enabled by a
# link in $HARNESS_DIR/apache/sites-enabled. With $HARNESS_APACHE_LISTEN
# (ADDRESS:PORT) set, restart_apache_server (re)starts a real, private
# apache2 (Debian's apache2-bin) serving the enabled sites there.

HARNESS_APACHE_MODULES=/usr/lib/apache2/modules

function apache_site_config_for {
    echo "$APACHE_CONF_DIR/$1.conf"
}

function enable_apache_site {
    _record enable_apache_site "$@"
    mkdir -p "$HARNESS_DIR/apache/sites-enabled"
    ln -sf "$(apache_site_config_for "$1")" \
        "$HARNESS_DIR/apache/sites-enabled/$1.conf"
}

function disable_apache_site {
    _record disable_apache_site "$@"
    rm -f "$HARNESS_DIR/apache/sites-enabled/$1.conf"
}

function _apache_running {
    [[ -f "$HARNESS_DIR/apache/httpd.pid" ]] &&
        kill -0 "$(cat "$HARNESS_DIR/apache/httpd.pid")" 2> /dev/null
}

# _apache_conf: the private server's httpd.conf.
function _apache_conf {
    local dir=$HARNESS_DIR/apache module
    mkdir -p "$dir/sites-enabled"
    {
        echo "ServerRoot \"$dir\""
        echo "ServerName localhost"
        echo "Listen $HARNESS_APACHE_LISTEN"
        echo "PidFile $dir/httpd.pid"
        echo "DefaultRuntimeDir $dir"
        echo "ErrorLog $LOGDIR/apache-error.log"
        echo "User nobody"
        echo "Group nogroup"
        for module in mpm_event authz_core env proxy proxy_uwsgi; do
            echo "LoadModule ${module}_module $HARNESS_APACHE_MODULES/mod_$module.so"
        done
        echo "IncludeOptional $dir/sites-enabled/*.conf"
    } > "$dir/httpd.conf"
    echo "$dir/httpd.conf"
}

function restart_apache_server {
    _record restart_apache_server
    [[ -n "$HARNESS_APACHE_LISTEN" ]] || return 0
    local conf
    conf=$(_apache_conf)
    if _apache_running; then
        apache2 -f "$conf" -k restart
    else
        rm -f "$HARNESS_DIR/apache/httpd.pid"
        apache2 -f "$conf" -k start
    fi
    local deadline
    deadline=$((SECONDS + 30))
    until _apache_running || [[ $SECONDS -ge $deadline ]]; do
        sleep 0.2
    done
    _apache_running || die $LINENO "apache2 did not start"
}

# stop_apache_server: what unstack.sh does after the plugins' unstack.
function stop_apache_server {
    _apache_running || return 0
    local pid
    pid=$(cat "$HARNESS_DIR/apache/httpd.pid")
    kill -TERM "$pid"
    local deadline
    deadline=$((SECONDS + 20))
    while [[ $SECONDS -lt $deadline ]] && kill -0 "$pid" 2> /dev/null; do
        sleep 0.2
    done
}

# write_uwsgi_config FILE WSGI URL HTTP NAME: the uWSGI ini of an API and,
# without HTTP, the Apache site that proxies URL to its socket.
function write_uwsgi_config {
    local file=$1 wsgi=$2 url=$3 http=$4 name=${5:-$(basename "$2")}
    _record write_uwsgi_config "$@"
    local socket_dir=$HARNESS_DIR/uwsgi
    mkdir -p "$socket_dir"
    local socket=$socket_dir/$name.socket
    rm -rf "$file"
    if [[ "$wsgi" =~ ^[a-zA-Z0-9_.]+:[a-zA-Z0-9_]+$ ]]; then
        iniset "$file" uwsgi module "$wsgi"
    else
        iniset "$file" uwsgi wsgi-file "$wsgi"
    fi
    iniset "$file" uwsgi processes "$API_WORKERS"
    iniset "$file" uwsgi master true
    iniset "$file" uwsgi die-on-term true
    iniset "$file" uwsgi exit-on-reload false
    iniset "$file" uwsgi enable-threads true
    iniset "$file" uwsgi plugins http,python3
    iniset "$file" uwsgi thunder-lock true
    iniset "$file" uwsgi buffer-size 65535
    iniset "$file" uwsgi add-header "Connection: close"
    iniset "$file" uwsgi lazy-apps true
    if [[ -n "$http" ]]; then
        iniset "$file" uwsgi http "$http"
    else
        local site
        site=$(apache_site_config_for "$name")
        mkdir -p "$APACHE_CONF_DIR"
        iniset "$file" uwsgi socket "$socket"
        iniset "$file" uwsgi chmod-socket 666
        {
            echo "SetEnv proxy-sendcl 1"
            echo "ProxyPass \"$url\" \"unix:$socket|uwsgi://uwsgi-uds-$name\" retry=0 acquire=1"
        } > "$site"
        enable_apache_site "$name"
        restart_apache_server
    fi
}

# remove_uwsgi_config FILE NAME: the ini, and the site is disabled.
function remove_uwsgi_config {
    _record remove_uwsgi_config "$@"
    rm -rf "$1"
    disable_apache_site "$2"
}

# Keystone
# --------

function _keystone {
    "$HARNESS_PYTHON" -S "$HARNESS_HERE/keystone_calls.py" "$@"
}

function get_or_create_user {
    _record get_or_create_user "$@"
    _keystone user "$1" "$2" "$3"
}

function get_or_add_user_project_role {
    _record get_or_add_user_project_role "$@"
    _keystone role-assignment "$1" "$2" "$3" "${4:-Default}" "${5:-Default}"
}

function get_or_create_service {
    _record get_or_create_service "$@"
    _keystone service "$1" "$2" "$3"
}

# get_or_create_endpoint SERVICE REGION PUBLIC [ADMIN [INTERNAL]]: one
# endpoint per interface given; prints the public one's id.
function get_or_create_endpoint {
    _record get_or_create_endpoint "$@"
    local public
    public=$(_keystone endpoint "$1" "$2" public "$3")
    if [[ -n "$4" ]]; then
        _keystone endpoint "$1" "$2" admin "$4" > /dev/null
    fi
    if [[ -n "$5" ]]; then
        _keystone endpoint "$1" "$2" internal "$5" > /dev/null
    fi
    echo "$public"
}

# create_service_user NAME [ROLE]: a user in the service project.
function create_service_user {
    _record create_service_user "$@"
    local role=${2:-service}
    local user
    user=$(get_or_create_user "$1" "$SERVICE_PASSWORD" "$SERVICE_DOMAIN_NAME")
    get_or_add_user_project_role "$role" "$user" "$SERVICE_PROJECT_NAME" \
        "$SERVICE_DOMAIN_NAME" "$SERVICE_DOMAIN_NAME" > /dev/null
}

# configure_keystone_authtoken_middleware FILE USER [SECTION]
function configure_keystone_authtoken_middleware {
    local file=$1 user=$2 section=${3:-keystone_authtoken}
    _record configure_keystone_authtoken_middleware "$@"
    iniset "$file" "$section" auth_type password
    iniset "$file" "$section" interface public
    iniset "$file" "$section" auth_url "$KEYSTONE_SERVICE_URI"
    iniset "$file" "$section" www_authenticate_uri "$KEYSTONE_SERVICE_URI"
    iniset "$file" "$section" username "$user"
    iniset "$file" "$section" password "$SERVICE_PASSWORD"
    iniset "$file" "$section" user_domain_name "$SERVICE_DOMAIN_NAME"
    iniset "$file" "$section" project_name "$SERVICE_PROJECT_NAME"
    iniset "$file" "$section" project_domain_name "$SERVICE_DOMAIN_NAME"
}
