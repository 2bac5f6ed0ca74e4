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
# DevStack entry point of the Zaqar plugin: DevStack sources this file once
# per phase with the phase as arguments ("stack install", "unstack", ...).
# It only dispatches; the work is done by the functions of lib/zaqar.

# shellcheck source=devstack/lib/zaqar
source "$ZAQAR_DIR/devstack/lib/zaqar"

if is_zaqar_enabled; then
    if [[ "$1" == "stack" ]]; then
        case "$2" in
            pre-install)
                echo_summary "Installing Zaqar's storage backend"
                install_zaqar_backend
                ;;
            install)
                echo_summary "Installing Zaqar"
                install_zaqar
                ;;
            post-config)
                echo_summary "Configuring Zaqar"
                configure_zaqar
                create_zaqar_accounts
                ;;
            extra)
                echo_summary "Initializing and starting Zaqar"
                init_zaqar
                start_zaqar
                ;;
            test-config)
                if is_service_enabled tempest; then
                    echo_summary "Configuring Tempest for Zaqar"
                    configure_tempest_for_zaqar
                fi
                ;;
        esac
    elif [[ "$1" == "unstack" ]]; then
        stop_zaqar
    elif [[ "$1" == "clean" ]]; then
        cleanup_zaqar
    fi
fi
